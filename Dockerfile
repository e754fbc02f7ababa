# syntax=docker/dockerfile:1
# Sluice: one image for every role. `docker compose up` runs api, poller, ingress and worker from it;
# `docker run sluice start --role all` runs them in one process.

ARG NODE_IMAGE=node:22-bookworm-slim

# Only the package manifests, at their workspace paths: `npm ci` below is then cached until a
# dependency changes, not on every source edit. New workspaces under services/ are picked up as is.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && cp package.json package-lock.json /manifests/ \
 && find shared localstack services -maxdepth 2 -name package.json -not -path '*/node_modules/*' \
      -exec cp --parents {} /manifests/ \;

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && find . -name '*.tsbuildinfo' -not -path './node_modules/*' -delete

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SLUICE_HOST=0.0.0.0
WORKDIR /app
# Owned by root and only readable by the app user: a compromised process cannot rewrite its own code.
COPY --from=build /app /app
USER node
EXPOSE 9070
ENTRYPOINT ["node", "services/cli/dist/main.js"]
CMD ["start", "--role", "all"]
