# Multi-stage build: a static pocbot binary in an image with nothing else.
#   docker build -t pocbot .
#   docker volume create pocbot-data
#   docker run -d --name pocbot --restart unless-stopped --env-file pocbot.env \
#     -v pocbot-data:/data -p 127.0.0.1:9102:9102 pocbot
# pocbot.env (mode 0600) holds SLACK_BOT_TOKEN=… and SLACK_APP_TOKEN=…; the database, its admin
# socket and backups live on the /data volume. Tools inside the running container:
#   docker exec pocbot pocbot backup /data/backup.db
#   docker exec pocbot pocbot check

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
# Only the sources: a pocbot.db lying in the work tree never enters the build.
COPY cmd ./cmd
COPY bot ./bot
COPY store ./store
# The VCS revision for `pocbot version` (there is no .git in the build):
#   docker build --build-arg REVISION=$(git rev-parse HEAD) -t pocbot .
ARG REVISION=unknown
# CGO off: a static binary that runs on scratch; -trimpath keeps build paths out of it.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.buildRevision=${REVISION}" -o /out/pocbot ./cmd/pocbot \
 && mkdir -p /out/data

FROM scratch
# CA roots for https://slack.com; time-zone data is embedded in the binary.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/pocbot /usr/local/bin/pocbot
# /data belongs to the non-root user the bot runs as.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
VOLUME /data
WORKDIR /data
ENV POCBOT_DB=/data/pocbot.db \
    POCBOT_HTTP_ADDR=:9102
EXPOSE 9102
# No shell or curl in the image: the orchestrator probes /healthz and /readyz over HTTP.
ENTRYPOINT ["/usr/local/bin/pocbot"]
CMD ["run"]
