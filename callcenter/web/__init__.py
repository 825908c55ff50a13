"""HTTP plumbing shared by every handler module: the infrastructure's app keys (`keys`), JSON
errors (`middleware`), request helpers (`requests`), stored-text checks (`inputs`), proxies,
the OpenAPI document and `/health`. Each package's own app keys live with that package."""
