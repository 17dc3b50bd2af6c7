# feedbot — production image: CPU-only PyTorch, non-root, health-checked.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    FEEDBOT_HTTP_HOST=0.0.0.0 \
    FEEDBOT_STATE_DIR=/app/var

WORKDIR /app

# CPU build of torch first, from PyTorch's CPU index, so the pin below does not pull CUDA.
COPY requirements.txt .
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -r requirements.txt

COPY bot ./bot
COPY handlers ./handlers
COPY models ./models
COPY config ./config

RUN useradd --create-home --uid 10001 feedbot \
 && mkdir -p /app/var && chown -R feedbot:feedbot /app/var
USER feedbot

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"

CMD ["python", "-m", "bot", "run"]
