# Multi-stage: build the virtualenv with compilers around, run without them as a non-root user.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/shamelist
RUN python -m venv /opt/venv
# The runtime lock first (every pin with its hashes, the build backend included), so
# that this layer is rebuilt only when the lock changes.
COPY .ci/requirements.lock ./.ci/requirements.lock
RUN /opt/venv/bin/pip install --require-hashes -r .ci/requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY scrapers ./scrapers
COPY migrations ./migrations
COPY templates ./templates
# Editable, so that the migrations and templates beside the code are found at run time;
# --no-index: everything it needs is already installed from the lock.
RUN /opt/venv/bin/pip install --no-index --no-build-isolation -e .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 \
    SHAMELIST_DATABASE_URL=sqlite:////srv/data/shamelist.db
RUN useradd --create-home --uid 10001 shamelist && mkdir -p /srv/data && chown shamelist /srv/data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /srv/shamelist /srv/shamelist
WORKDIR /srv/shamelist
USER shamelist
EXPOSE 8000
VOLUME ["/srv/data"]
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# Migrations first, then the server; exec so that uvicorn receives the stop signal.
CMD ["sh", "-c", "shamelist db upgrade && exec shamelist serve --host 0.0.0.0 --port 8000 --workers ${SHAMELIST_WORKERS:-2}"]
