# syntax=docker/dockerfile:1
# Tollgate image: build stage (all deps, Prisma client, dashboard, server bundle) → slim non-root runtime
# (production deps only).
# Node 20 as the project targets (engines >=20.19); override with --build-arg NODE_IMAGE=node:22-slim.
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false CHECKPOINT_DISABLE=1
# Dependencies first, so source edits do not reinstall them. No install scripts: @prisma/engines' would
# download native engines, which nothing here uses; the Prisma client is generated explicitly below, offline
# (scripts/prisma-generate.mjs stubs the schema engine).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN node scripts/prisma-generate.mjs && npm run build

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    npm_config_update_notifier=false \
    HOST=0.0.0.0 \
    PORT=8655 \
    TOLLGATE_SPOOL_DIR=/var/lib/tollgate/spool
# No install scripts: the only one that matters (Prisma generate) already ran in the build stage.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY prisma ./prisma
# The server runs as the bundle (dist/server: our code, the Prisma client included); dependencies stay in node_modules.
COPY --from=build /app/dist/server ./dist/server
COPY --from=build /app/dashboard/dist ./dashboard/dist
# Code stays root-owned (read-only to the server); only the spool directory is writable.
RUN mkdir -p /var/lib/tollgate/spool && chown -R node:node /var/lib/tollgate
USER node
VOLUME ["/var/lib/tollgate"]
EXPOSE 8655
# HOST=0.0.0.0 means Tollgate refuses to start without TOLLGATE_ADMIN_TOKEN (SPEC §2): pass one at run time.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8655)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node itself as PID 1's child-free process, so SIGTERM reaches the server and shutdown can flush.
# The CLI is `node dist/server/cli.mjs` (e.g. `docker compose exec tollgate node dist/server/cli.mjs keys list`).
CMD ["node", "--enable-source-maps", "dist/server/main.mjs"]
