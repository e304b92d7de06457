"""How long something lasted, as people say it: the one wording for call durations in the
chat, the activity and the calls panel."""


def duration_text(seconds: int) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "less than a minute"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
