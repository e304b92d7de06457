FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app
RUN useradd --create-home --uid 1000 tandem
# The libraries at the versions the runtime lock names (hashes checked), in a layer of their own
# that only a changed lock rebuilds; then the project itself, without resolving anything again.
COPY requirements/base.lock requirements/base.lock
RUN pip install --require-hashes -r requirements/base.lock
COPY . .
RUN pip install --no-deps .
# collectstatic needs settings but no secrets or services.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R tandem /app/media
USER tandem
EXPOSE 8000
# uvicorn with uvloop: one worker process per core unless WEB_CONCURRENCY says otherwise
# (each process has its own database pool and event loop; docs/live-delivery.md). A websocket
# message over 256 KiB (WEBSOCKET_MAX_FRAME_BYTES) closes the socket (1009) before it is read.
CMD ["sh", "-c", "exec uvicorn config.asgi:application --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-$(nproc)} --loop uvloop --http httptools --ws websockets --ws-max-size 262144 --lifespan off --no-access-log"]
