# The same Asterisk 22 the bench runs: Debian sid's package with the product's configuration.
FROM debian:sid-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends asterisk asterisk-modules asterisk-moh-opsound-gsm \
    && rm -rf /var/lib/apt/lists/*
RUN sed -i 's|^astetcdir.*|astetcdir => /etc/callcenter-asterisk|' /etc/asterisk/asterisk.conf
CMD ["asterisk", "-f", "-C", "/etc/asterisk/asterisk.conf"]
