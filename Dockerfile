# One image for `lieu api`, `lieu worker` and `lieu migrate`.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LIEU_LOG_FORMAT=json LIEU_API_HOST=0.0.0.0
WORKDIR /app
COPY pyproject.toml README.md ./
COPY lieu ./lieu
COPY benefit_definitions ./benefit_definitions
RUN pip install --no-cache-dir . && useradd --system --home /app lieu
ENV LIEU_DEFINITIONS_DIR=/app/benefit_definitions
USER lieu
EXPOSE 8000
CMD ["lieu", "api"]
