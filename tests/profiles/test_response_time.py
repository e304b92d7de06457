"""Response times in working hours: hand-computed cases across zones, weekends and DST."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from profiles import selectors, services
from profiles.models import ResponseTimeRecord
from profiles.response_times import business_seconds, is_responsive, response_time_label
from tests.profiles.conftest import fill_profile

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
WEEKDAYS = [0, 1, 2, 3, 4]
EVERY_DAY = list(range(7))


def seconds(start, end, tz, hours=("09:00", "18:00"), days=WEEKDAYS):
    return business_seconds(
        start=start,
        end=end,
        tz=tz,
        day_start=time.fromisoformat(hours[0]),
        day_end=time.fromisoformat(hours[1]),
        work_days=days,
    )


class TestBusinessSeconds:
    def test_evening_message_answered_next_morning_counts_one_hour(self):
        # Tue 17:30 Berlin → Wed 09:30 Berlin, hours 09:00–18:00: 30 min + 30 min.
        start = datetime(2026, 11, 24, 17, 30, tzinfo=BERLIN)
        end = datetime(2026, 11, 25, 9, 30, tzinfo=BERLIN)
        assert seconds(start, end, BERLIN) == 3600

    def test_the_same_instants_in_utc_give_the_same_answer(self):
        start = datetime(2026, 11, 24, 16, 30, tzinfo=UTC)  # 17:30 in Berlin (CET, +1)
        end = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
        assert seconds(start, end, BERLIN) == 3600

    def test_inside_one_working_day(self):
        start = datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)
        end = datetime(2026, 11, 24, 12, 15, tzinfo=BERLIN)
        assert seconds(start, end, BERLIN) == 2 * 3600 + 15 * 60

    def test_the_weekend_does_not_count(self):
        # Fri 17:00 → Mon 10:00, hours 09:00–18:00: 1 h on Friday + 1 h on Monday.
        start = datetime(2026, 11, 27, 17, 0, tzinfo=BERLIN)
        end = datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)
        assert seconds(start, end, BERLIN) == 2 * 3600

    def test_a_reply_outside_working_hours_counts_nothing(self):
        # Asked Saturday morning, answered Saturday evening.
        start = datetime(2026, 11, 28, 9, 0, tzinfo=BERLIN)
        end = datetime(2026, 11, 28, 20, 0, tzinfo=BERLIN)
        assert seconds(start, end, BERLIN) == 0

    def test_working_days_are_the_persons_own(self):
        # Sunday to Thursday: a Sunday 10:00–11:00 reply counts.
        start = datetime(2026, 11, 29, 10, 0, tzinfo=BERLIN)
        end = datetime(2026, 11, 29, 11, 0, tzinfo=BERLIN)
        assert seconds(start, end, BERLIN, days=[6, 0, 1, 2, 3]) == 3600

    def test_the_responders_zone_decides(self):
        # One message, sent Tue 14:00 UTC, answered Tue 23:00 UTC (9 hours later).
        start = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
        end = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
        # New York (UTC−5): 09:00–18:00 → all 9 hours are working hours.
        assert seconds(start, end, NEW_YORK) == 9 * 3600
        # Tokyo (UTC+9): 23:00 Tue → 08:00 Wed local: none of it is working time.
        assert seconds(start, end, TOKYO) == 0
        # Berlin (UTC+1): 15:00–18:00 on Tuesday counts.
        assert seconds(start, end, BERLIN) == 3 * 3600

    def test_spring_forward_day_is_an_hour_shorter(self):
        # Berlin moves from 02:00 to 03:00 on Sunday 29 March 2026: 00:00–06:00 is 5 hours.
        start = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN)
        end = datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN)
        assert seconds(start, end, BERLIN, hours=("00:00", "06:00"), days=EVERY_DAY) == 5 * 3600

    def test_fall_back_day_is_an_hour_longer(self):
        # Back from 03:00 to 02:00 on Sunday 25 October 2026: 00:00–06:00 is 7 hours.
        start = datetime(2026, 10, 25, 0, 0, tzinfo=BERLIN)
        end = datetime(2026, 10, 25, 12, 0, tzinfo=BERLIN)
        assert seconds(start, end, BERLIN, hours=("00:00", "06:00"), days=EVERY_DAY) == 7 * 3600

    def test_across_a_dst_change_in_new_york(self):
        # Fri 6 March 2026 17:00 EST → Mon 9 March 10:00 EDT (clocks changed on Sunday 8 March):
        # 1 h on Friday, 1 h on Monday; the weekend, and the lost hour in it, do not count.
        start = datetime(2026, 3, 6, 17, 0, tzinfo=NEW_YORK)
        end = datetime(2026, 3, 9, 10, 0, tzinfo=NEW_YORK)
        assert seconds(start, end, NEW_YORK) == 2 * 3600

    def test_a_long_wait_counts_every_working_day(self):
        start = datetime(2026, 11, 2, 9, 0, tzinfo=BERLIN)  # a Monday
        end = start + timedelta(days=14)
        assert seconds(start, end, BERLIN) == 10 * 9 * 3600

    def test_end_before_start_is_zero(self):
        start = datetime(2026, 11, 24, 12, 0, tzinfo=BERLIN)
        assert seconds(start, start - timedelta(hours=1), BERLIN) == 0


class TestLabels:
    @pytest.mark.parametrize(
        "hours,label",
        [
            (None, "New to Tandem"),
            (0.2, "Typically responds within 1 hour"),
            (1.0, "Typically responds within 1 hour"),
            (2.4, "Typically responds within 3 hours"),
            (30, "Typically responds within 30 hours"),
        ],
    )
    def test_label(self, hours, label):
        assert response_time_label(hours) == label

    def test_badge_under_a_day(self):
        assert is_responsive(23.9)
        assert not is_responsive(24)
        assert not is_responsive(None)


@pytest.mark.django_db
class TestRecordAndSummary:
    def test_record_uses_the_responders_hours_and_zone(self, freelancer_user):
        fill_profile(
            freelancer_user,
            timezone="Europe/Berlin",
            work_start=time(9),
            work_end=time(18),
            work_days=WEEKDAYS,
        )
        record = services.response_time_record(
            user=freelancer_user,
            kind="message",
            started_at=datetime(2026, 11, 24, 17, 30, tzinfo=BERLIN),
            responded_at=datetime(2026, 11, 25, 9, 30, tzinfo=BERLIN),
        )
        assert record.business_seconds == 3600
        assert record.kind == ResponseTimeRecord.Kind.MESSAGE

    def test_without_a_timezone_utc_and_default_hours_apply(self, freelancer_user):
        # Default: 09:00–17:00, Monday to Friday, UTC.
        record = services.response_time_record(
            user=freelancer_user,
            kind="invitation",
            started_at=datetime(2026, 11, 24, 16, 0, tzinfo=UTC),
            responded_at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
        )
        assert record.business_seconds == 2 * 3600

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"kind": "email"},
            {"responded_at": datetime(2026, 11, 24, 8, 0, tzinfo=UTC)},
            {"started_at": datetime(2026, 11, 24, 9, 0)},  # naive
        ],
    )
    def test_bad_calls_are_refused(self, freelancer_user, kwargs):
        args = {
            "user": freelancer_user,
            "kind": "message",
            "started_at": datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
            "responded_at": datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
            **kwargs,
        }
        with pytest.raises(ValueError):
            services.response_time_record(**args)

    def _record(self, user, minutes, day=24):
        start = datetime(2026, 11, day, 10, 0, tzinfo=UTC)
        services.response_time_record(
            user=user,
            kind="message",
            started_at=start,
            responded_at=start + timedelta(minutes=minutes),
        )

    def test_fewer_than_three_records_is_new_to_tandem(self, freelancer_user):
        self._record(freelancer_user, 30)
        self._record(freelancer_user, 60)
        assert selectors.response_time_summary(user=freelancer_user) is None

    def test_summary_is_the_median_in_hours(self, freelancer_user):
        for minutes in (30, 90, 420):
            self._record(freelancer_user, minutes)
        assert selectors.response_time_summary(user=freelancer_user) == 1.5

    def test_summary_of_an_even_count_averages_the_middle_two(self, freelancer_user):
        for minutes in (60, 120, 180, 420):
            self._record(freelancer_user, minutes)
        assert selectors.response_time_summary(user=freelancer_user) == 2.5

    def test_profile_page_shows_the_figure_and_badge(self, client, freelancer_user, client_user):
        for minutes in (60, 90, 150):
            self._record(freelancer_user, minutes)
        client.force_login(client_user)
        page = client.get(f"/u/{freelancer_user.handle}/").content.decode()
        assert "Typically responds within 2 hours" in page
        assert "Responsive" in page

    def test_profile_page_says_new_to_tandem(self, client, freelancer_user, client_user):
        client.force_login(client_user)
        page = client.get(f"/u/{freelancer_user.handle}/").content.decode()
        assert "New to Tandem" in page
