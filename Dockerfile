# One image for `lieu api`, `lieu worker` and `lieu migrate`.

# The GraphQL explorer's assets (GraphiQL, React), pinned by package-lock.json: lieu serves them
# itself, so /graphql works without internet.
FROM node:20-slim AS explorer
WORKDIR /build
COPY package.json package-lock.json ./
COPY lieu/graphql/explorer/build.mjs ./lieu/graphql/explorer/
RUN npm ci --no-audit --no-fund --loglevel=error && npm run --silent build

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LIEU_LOG_FORMAT=json LIEU_API_HOST=0.0.0.0
WORKDIR /app
COPY pyproject.toml README.md ./
COPY lieu ./lieu
COPY --from=explorer /build/lieu/graphql/explorer/static ./lieu/graphql/explorer/static
COPY benefit_definitions ./benefit_definitions
RUN pip install --no-cache-dir . && useradd --system --home /app lieu
ENV LIEU_DEFINITIONS_DIR=/app/benefit_definitions
USER lieu
EXPOSE 8000
CMD ["lieu", "api"]
