# syntax=docker/dockerfile:1
# Needs BuildKit (the default builder since Docker 23, and what `docker compose build` uses).

# ---------------------------------------------------------------------------
# Build stage: install every dependency, compile TypeScript, then drop devDependencies.
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app

COPY package.json package-lock.json ./

# The image's npm (10.x) does not know package.json's `allowScripts` policy and would run
# every dependency install script (including the ones the policy blocks, e.g. @scarf/scarf's
# telemetry). So install with scripts off, then run install scripts only for the packages that
# `allowScripts` sets to true and that were actually installed on this platform (some are
# optional, per-OS/CPU packages).
RUN npm ci --ignore-scripts \
 && allowed="$(node -e " \
      const fs = require('node:fs'); \
      const policy = JSON.parse(fs.readFileSync('package.json', 'utf8')).allowScripts || {}; \
      const names = Object.keys(policy) \
        .filter((key) => policy[key] === true) \
        .filter((key) => fs.existsSync('node_modules/' + key.replace(/(.)@.*$/, '\$1') + '/package.json')); \
      console.log(names.join(' ')); \
    ")" \
 && if [ -n "$allowed" ]; then npm rebuild $allowed; fi

COPY tsconfig*.json ./
COPY src ./src
# `web/` is optional: `we[b]` is a wildcard, and BuildKit accepts a wildcard that matches
# nothing, so this copies web/ into ./web/ when it exists and is a no-op when it does not.
COPY we[b] ./web/

RUN npm run build \
 && npm prune --omit=dev --ignore-scripts \
 && mkdir -p web

# ---------------------------------------------------------------------------
# Runtime stage: compiled JS plus production dependencies only, running as `node`.
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app

# Files stay owned by root: the app only needs to read them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Empty unless the repository has a web/ directory.
COPY --from=build /app/web ./web

USER node
EXPOSE 3000

# Slim images have no curl/wget, so probe with Node's built-in fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist/main.js"]
