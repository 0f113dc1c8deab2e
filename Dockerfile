FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY sls_server ./sls_server
COPY devices ./devices
COPY scenarios ./scenarios
RUN pip install --no-cache-dir . && useradd --create-home sls
USER sls
ENV SLS_DATA_DIR=/home/sls/data
EXPOSE 8000
CMD ["sls", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
