"""plankg web service: chat page, JSON API, SPARQL endpoint, entity pages, embeddable widget."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from webchat.settings import load_settings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: defaults, then ``PLANKG_*`` environment, then ``test_config``."""
    app = Flask(__name__)
    app.config.from_mapping(load_settings(test_config))
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_CONTENT_LENGTH"])
    from webchat import (
        api,
        chat,
        entities,
        errors,
    feedback,
        headers,
        jsonio,
        limits,
        openapi,
        passages,
        resources,
        sparql,
    )

    app.json = jsonio.StrictJSONProvider(app)
    errors.init_app(app)
    headers.init_app(app)
    limits.init_app(app)
    app.register_blueprint(chat.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(entities.bp)
    app.register_blueprint(passages.bp)
    feedback.init_app(app)
    res = resources.Resources(app.config)
    app.extensions["plankg"] = res
    res.warm()
    if res.error:
        logging.getLogger("plankg").warning("serving without a build: %s", res.error)
    return app
