# One Dockerfile, one target per deployable (the build context is the repository root). It
# needs no BuildKit-only syntax, so the classic builder (docker-compose v1) builds it too.
#
#   docker build --target orders-service -t orderpulse/orders-service .
#
# targets: broker, orders-service, delivery-service, notifier-service, mail-service, web-client.
# docker-compose.yml builds each service with its target. All targets share the `build` stage,
# so the monorepo is installed and compiled once, however many images are built from it.
#
# Each runtime image holds: node, the production dependencies of its own workspace only
# (`npm ci --omit=dev --workspace …`), and the compiled dist of that workspace and of the
# workspaces it depends on (contracts, service-kit). No sources, no dev tools, no npm; it runs
# as the unprivileged `node` user.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- manifests: the lock and every workspace's package.json, nothing else, so the `npm ci`
# layers below stay cached until a dependency changes (npm ci needs all workspaces' manifests).
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY service-kit/package.json service-kit/
COPY orders-service/package.json orders-service/
COPY delivery-service/package.json delivery-service/
COPY notifier-service/package.json notifier-service/
COPY mail-service/package.json mail-service/
COPY broker/package.json broker/
COPY web-client/package.json web-client/
COPY e2e/package.json e2e/
COPY launcher/package.json launcher/
COPY bench/package.json bench/

# ---- build: all dependencies, then the repository's own build (`tsc -b` for every workspace,
# `vite build` for the browser apps into web-client/dist/public). Install scripts stay off, as
# on the developers' machines (npm 11 runs none unless allowed).
FROM manifests AS build
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# ---- production dependencies, one stage per deployable (workspace links included).
FROM manifests AS broker-deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace @orderpulse/broker --include-workspace-root=false

FROM manifests AS orders-service-deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace @orderpulse/orders-service --include-workspace-root=false

FROM manifests AS delivery-service-deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace @orderpulse/delivery-service --include-workspace-root=false

FROM manifests AS notifier-service-deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace @orderpulse/notifier-service --include-workspace-root=false

FROM manifests AS mail-service-deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace @orderpulse/mail-service --include-workspace-root=false

FROM manifests AS web-client-deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace @orderpulse/web-client --include-workspace-root=false

# ---- runtime: what every deployable image starts from.
FROM ${NODE_IMAGE} AS runtime
# npm, npx, corepack and yarn are not needed to run a compiled service: fewer files, fewer CVEs.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
# HOST: inside a container the services must listen on every interface, not on loopback.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
# The files stay owned by root: the services only read them.
USER node

FROM runtime AS broker
COPY --from=broker-deps /app ./
COPY --from=build /app/contracts/dist contracts/dist
COPY --from=build /app/service-kit/dist service-kit/dist
COPY --from=build /app/broker/dist broker/dist
# health/metrics, MQTT over TCP, MQTT over WebSocket (path /mqtt)
EXPOSE 3004 1884 8083
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.BROKER_HTTP_PORT || 3004) + '/healthz', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--no-memory-reducer", "--max-semi-space-size=64", "broker/dist/main.js"]

FROM runtime AS orders-service
COPY --from=orders-service-deps /app ./
COPY --from=build /app/contracts/dist contracts/dist
COPY --from=build /app/service-kit/dist service-kit/dist
COPY --from=build /app/orders-service/dist orders-service/dist
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.ORDERS_PORT || 3001) + '/healthz', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "orders-service/dist/main.js"]

FROM runtime AS delivery-service
COPY --from=delivery-service-deps /app ./
COPY --from=build /app/contracts/dist contracts/dist
COPY --from=build /app/service-kit/dist service-kit/dist
COPY --from=build /app/delivery-service/dist delivery-service/dist
EXPOSE 3002
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.DELIVERY_PORT || 3002) + '/healthz', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "delivery-service/dist/main.js"]

FROM runtime AS notifier-service
COPY --from=notifier-service-deps /app ./
COPY --from=build /app/contracts/dist contracts/dist
COPY --from=build /app/service-kit/dist service-kit/dist
COPY --from=build /app/notifier-service/dist notifier-service/dist
EXPOSE 3003
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.NOTIFIER_PORT || 3003) + '/healthz', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "notifier-service/dist/main.js"]

FROM runtime AS mail-service
COPY --from=mail-service-deps /app ./
COPY --from=build /app/contracts/dist contracts/dist
COPY --from=build /app/service-kit/dist service-kit/dist
COPY --from=build /app/mail-service/dist mail-service/dist
# /unsubscribe, /healthz, /readyz
EXPOSE 3005
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.MAIL_PORT || 3005) + '/healthz', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "mail-service/dist/main.js"]

FROM runtime AS web-client
COPY --from=web-client-deps /app ./
COPY --from=build /app/contracts/dist contracts/dist
COPY --from=build /app/service-kit/dist service-kit/dist
# dist/server (the Koa server) and dist/public (the Vite-built browser apps it serves)
COPY --from=build /app/web-client/dist web-client/dist
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WEB_PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "web-client/dist/server/main.js"]
