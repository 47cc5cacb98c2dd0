# klaviyo-mcp serve as a container: the Native AOT build (no .NET runtime in the image), listening on 0.0.0.0:8080.
#   docker build -t klaviyo-mcp .
#   docker run -p 8080:8080 -e KLAVIYO_HTTP_ACCEPT_KLAVIYO_KEYS=true klaviyo-mcp
# compose.yaml runs three replicas behind nginx, sharing rate limits through Redis.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Native AOT links with clang; zlib is the one native library the runtime needs besides libc.
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props global.json .editorconfig ./
COPY README.md ./
COPY src/ src/
RUN dotnet publish src/Klaviyo.Mcp -c Release -r linux-x64 -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
COPY --from=build /app/Klaviyo.Mcp /usr/local/bin/klaviyo-mcp
# The image's unprivileged user; serve needs no write access anywhere.
USER $APP_UID
ENV KLAVIYO_HTTP_HOST=0.0.0.0 \
    KLAVIYO_HTTP_PORT=8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/klaviyo-mcp", "serve"]
