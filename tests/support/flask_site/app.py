"""A Flask app as teams write them: users in a SQL table (SQLAlchemy), passwords hashed by Werkzeug,
logins kept by Flask-Login in Flask's session: the default signed cookie, or Flask-Session on Redis.
Configured by its factory's arguments, as `create_app(config)` factories are."""

from typing import Any

from flask import Flask, request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from sqlalchemy import Boolean, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash


class Base(DeclarativeBase):
    pass


class User(UserMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses an inactive user
        return self.active


def create_app(database_url: str, secret_keys: list[str], redis_url: str | None = None, **config: Any) -> Flask:
    """`secret_keys`: SECRET_KEY first, then its fallbacks (Flask ≥ 3.1's SECRET_KEY_FALLBACKS)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret_keys[0], SECRET_KEY_FALLBACKS=secret_keys[1:], **config)
    if redis_url is not None:
        from flask_session import Session as ServerSideSessions
        from redis import Redis

        app.config.update(SESSION_TYPE="redis", SESSION_REDIS=Redis.from_url(redis_url))
        ServerSideSessions(app)
    engine = create_engine(database_url)
    Base.metadata.create_all(engine)
    logins = LoginManager(app)

    @logins.user_loader
    def load_user(user_id: str) -> User | None:
        with Session(engine) as db:
            return db.get(User, int(user_id))

    @app.post("/login")
    def login() -> tuple[dict[str, Any], int]:
        with Session(engine) as db:
            user = db.scalar(select(User).where(User.email == request.form["email"]))
        if user is None or not check_password_hash(user.password_hash, request.form["password"]):
            return {"error": "wrong email or password"}, 401
        login_user(user, remember=False)
        return {"id": user.id}, 200

    @app.get("/me")
    @login_required
    def me() -> dict[str, Any]:
        return {"id": current_user.id, "email": current_user.email}

    app.extensions["users_engine"] = engine
    return app


def add_user(app: Flask, email: str, password: str, **fields: Any) -> int:
    with Session(app.extensions["users_engine"]) as db:
        user = User(email=email, password_hash=generate_password_hash(password), **fields)
        db.add(user)
        db.commit()
        return user.id
