# LSTM Explorer as one replica: the app server and its training workers in one container.
#   docker build -t lstm-explorer .            (PREFILL=0 skips compiling the lesson loops)
#   docker run -p 8501:8501 lstm-explorer      -> http://localhost:8501
# Several replicas need a load balancer with session affinity: deploy/compose.yaml, deploy/k8s.yaml.
FROM python:3.11-slim

# LSTM_EXPLORER_XLA_CACHE: the compiled training loops, filled below, loaded by the workers
# (lstm_core/xla_cache.py). LSTM_EXPLORER_WORKERS: jobs trained at once. Python counts the
# host's cores, not the container's CPU limit, so a replica on a 32-core node would start 32
# workers (0.6-1.2 GB each): keep it equal to the CPU limit.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    LSTM_EXPLORER_XLA_CACHE=/opt/lstm-explorer/xla \
    LSTM_EXPLORER_WORKERS=2 \
    LSTM_EXPLORER_WORKER_MB=1600

RUN useradd --create-home --uid 10001 app \
    && mkdir -p /opt/lstm-explorer/xla \
    && chown app:app /opt/lstm-explorer/xla
WORKDIR /app

# The dependencies first (from pyproject.toml), so a code change does not reinstall TensorFlow.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the project itself, editable as `make run` has it: the app reads assets/ beside its code.
COPY . .
RUN pip install --no-deps -e .

USER app
# Every task page preset's loop compiled once into the cache (about a minute of CPU), so the
# class's first clicks load it instead of compiling. XLA compiles for the build machine's CPU:
# on a host without some of its features TensorFlow refuses the entry and compiles as usual.
ARG PREFILL=1
RUN if [ "$PREFILL" = "1" ]; then python -m app.prefill; fi

EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)" || exit 1
CMD ["streamlit", "run", "app/main.py", "--server.port", "8501", "--server.headless", "true"]
