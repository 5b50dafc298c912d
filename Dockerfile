FROM python:3.11-slim

# Java 17 for the local Spark engine (CLI, tests); the web app itself does not need it.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends openjdk-17-jre-headless curl \
    && rm -rf /var/lib/apt/lists/*

# The app runs as an unprivileged user.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
# .dockerignore keeps .env files, var/, .git and virtual environments out of the build context.
# The code stays owned by root, so the app cannot rewrite it; only var/ (static files, local state) is its own.
COPY . .
RUN mkdir -p var && chown app:app var

USER app:app
ENV DJANGO_SETTINGS_MODULE=conversioncentral.settings PYTHONUNBUFFERED=1
# Collecting static files needs settings, not a secret: the development key of DEBUG, for this step only.
RUN DEBUG=True python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "conversioncentral.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
