# One image for the API and the worker. The app runs TypeScript through tsx,
# a devDependency, so the full dependency tree is installed (no --omit=dev).
#   API (default):  npx tsx api/main.ts
#   worker:         npx tsx worker/main.ts
#   migrations:     npx tsx db/migrate-cli.ts
FROM node:20-bookworm-slim

ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
WORKDIR /app
RUN chown node:node /app
USER node

# Dependencies first, so source edits do not invalidate this layer.
COPY --chown=node:node package.json package-lock.json ./
# npm ci applies these to installed packages (patch-package, postinstall).
COPY --chown=node:node patches ./patches
RUN npm ci && npm cache clean --force

COPY --chown=node:node . .
# The worker loads the workflows bundled here, from this same source, instead of bundling them as it
# starts (which takes seconds and keeps webpack's memory for as long as it runs).
RUN npm run build:workflows
ENV WORKFLOW_BUNDLE=/app/build/workflow-bundle.js

EXPOSE 3000
CMD ["npx", "tsx", "api/main.ts"]
