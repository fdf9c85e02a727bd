-- description: HTTP validators and bodies for conditional requests

CREATE TABLE http_cache (
    url VARCHAR PRIMARY KEY,
    etag VARCHAR,
    last_modified VARCHAR,
    content_type VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    stored_at TIMESTAMPTZ NOT NULL
);
