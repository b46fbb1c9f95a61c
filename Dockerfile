# Production image: gunicorn serving Django, static files collected at build time and served by
# WhiteNoise. The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=yingkou_targets.settings

WORKDIR /app

# Dependencies come from pyproject.toml. settings.py puts BASE_DIR (templates/, static/, locale/,
# fixtures/, staticfiles/) next to the package, and the wheel carries no templates, so the code
# runs from the source copy in /app (PYTHONPATH), not from site-packages: the project's own
# distribution is removed again once its dependencies are in, leaving a single copy of the code.
COPY pyproject.toml ./
COPY yingkou_targets/ yingkou_targets/
COPY departments/ departments/
COPY indicators/ indicators/
COPY reporting/ reporting/
RUN pip install --no-cache-dir . \
    && pip uninstall --yes yingkou-targets \
    && rm -rf build ./*.egg-info

COPY manage.py ./
COPY templates/ templates/
COPY static/ static/
COPY fixtures/ fixtures/
COPY locale/ locale/

# DEBUG=0 requires these three; the values exist only for this command and never reach the image.
RUN DEBUG=0 SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app
USER app

EXPOSE 8000

CMD ["gunicorn", "yingkou_targets.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
