# One image for the API and the worker (and the finance stand-in); the command picks which.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# two malloc arenas, not eight per core: ~100 MiB less worker RSS at province scale (worker/runtime.ts)
ENV MALLOC_ARENA_MAX=2
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
RUN useradd --system --uid 10001 jixiao && chown -R jixiao /app
USER jixiao
EXPOSE 3000 3100
# api/main.ts, worker/main.ts or finance/main.ts
CMD ["npx", "tsx", "api/main.ts"]
