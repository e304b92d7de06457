"""A Celery worker killed in the middle of a digest: the task is redelivered to the next
worker and the e-mail is sent exactly once."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from celery import Celery
from django.conf import settings
from django.utils import timezone

from messaging import services
from messaging.models import DigestState
from tests.live_server import database_url_for_subprocess

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def start_worker(env, log_path):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log_path.open("a"),
        stderr=subprocess.STDOUT,
    )


def test_a_killed_worker_is_retried_without_a_duplicate_email(alice, bob, tmp_path, private_redis):
    conversation = services.conversation_open_direct(user=alice, other=bob)
    services.message_send(
        conversation_id=conversation.pk,
        sender=alice,
        body="Did you see the brief?",
        client_id=uuid.uuid4(),
    )
    state = DigestState.objects.get(participant__user=bob)
    DigestState.objects.filter(pk=state.pk).update(due_at=timezone.now() - timedelta(seconds=1))

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    marker = tmp_path / "crashed"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_subprocess(),
        "REDIS_URL": private_redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "EMAIL_BACKEND": "tests.faults.crashing_email.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CRASH_MARKER": str(marker),
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    # Not the current app: shared tasks elsewhere must keep using the project's broker.
    producer = Celery(broker=private_redis.url + "/2", set_as_current=False)
    producer.send_task("messaging.tasks.send_digest", args=[state.pk])
    log = tmp_path / "worker.log"

    first = start_worker(env, log)
    try:
        assert first.wait(timeout=60) == 9, log.read_text()[-2000:]
    finally:
        first.kill()
    assert marker.exists() and not list(mail_dir.iterdir())

    # kombu's Redis transport restores unacknowledged tasks older than the visibility timeout,
    # but throttles the scan: a worker scans at its first idle poll, then only every tenth
    # tick (~100 s). Start the second worker once the task is past its 2-second timeout, so
    # that first scan finds it (starting sooner made this test pass or fail by timing).
    time.sleep(2.5)
    second = start_worker(env, log)
    try:
        deadline = time.monotonic() + 60
        while not list(mail_dir.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # a duplicate would arrive within another visibility timeout
    finally:
        second.terminate()
        second.wait(timeout=20)

    sent = [path.read_text() for path in mail_dir.iterdir()]
    assert len(sent) == 1, log.read_text()[-2000:]
    assert "Did you see the brief?" in sent[0] and bob.email in sent[0]
    assert DigestState.objects.get(pk=state.pk).due_at is None
