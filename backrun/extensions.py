"""Flask extensions, created unbound here and bound to the app in create_app()."""

from typing import TYPE_CHECKING

from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.model import Model as FlaskModel
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

# Models subclass `Model`, which is db.Model. mypy cannot take an attribute as a base class
# (python/mypy#8603), so it is shown what db.Model is: the typed declarative base with
# Flask-SQLAlchemy's model mixin (`query`, table naming).
if TYPE_CHECKING:

    class Model(FlaskModel, Base):
        __abstract__ = True

else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
htmx = Htmx()
cache = Cache()
limiter = Limiter(key_func=get_remote_address)
login_manager = LoginManager()
