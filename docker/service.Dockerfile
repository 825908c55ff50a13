FROM python:3.11-slim
WORKDIR /srv/callcenter
COPY pyproject.toml README.md ./
COPY callcenter ./callcenter
COPY ivr_flows ./ivr_flows
COPY dialer ./dialer
COPY agent_ui ./agent_ui
RUN pip install --no-cache-dir .
CMD ["sh", "-c", "callcenter migrate && exec callcenter serve"]
