FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app
RUN useradd --create-home --uid 1000 tandem
COPY pyproject.toml README.md ./
COPY config ./config
COPY profiles ./profiles
COPY messaging ./messaging
COPY workrooms ./workrooms
COPY invitations ./invitations
COPY disputes ./disputes
RUN pip install .
COPY . .
# collectstatic needs settings but no secrets or services.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R tandem /app/media
USER tandem
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]
