"""The use cases: one per request (they hold its unit of work), except the request-free ones."""

from dishka import Provider, Scope, provide

from application.login_throttle import LoginThrottle
from application.password_reset_issuer import PasswordResetIssuer
from application.token_lookup import TokenLookup
from application.token_pairs import TokenPairIssuer
from application.use_cases.authenticate_client import AuthenticateClient
from application.use_cases.change_password import ChangePassword
from application.use_cases.confirm_password_reset import ConfirmPasswordReset
from application.use_cases.create_password_reset_link import CreatePasswordResetLink
from application.use_cases.disable_user import DisableUser
from application.use_cases.enable_user import EnableUser
from application.use_cases.end_session import EndSession
from application.use_cases.end_user_sessions import EndUserSessions
from application.use_cases.get_profile import GetProfile
from application.use_cases.grant_role import GrantRole
from application.use_cases.import_users import ImportUsers
from application.use_cases.introspect_token import IntrospectToken
from application.use_cases.list_revocations import ListRevocations
from application.use_cases.list_sessions import ListSessions
from application.use_cases.list_users import ListUsers
from application.use_cases.log_in import LogIn
from application.use_cases.log_out import LogOut
from application.use_cases.log_out_by_refresh_token import LogOutByRefreshToken
from application.use_cases.log_out_everywhere import LogOutEverywhere
from application.use_cases.purge_expired import PurgeExpired
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.register_user import RegisterUser
from application.use_cases.request_password_reset import RequestPasswordReset
from application.use_cases.revoke_role import RevokeRole
from application.use_cases.revoke_token import RevokeToken
from application.use_cases.set_user_claims import SetUserClaims
from application.use_cases.sync_replica import SyncReplica
from application.use_cases.verify_access_token import VerifyAccessToken


class UseCaseProvider(Provider):
    scope = Scope.REQUEST

    token_pairs = provide(TokenPairIssuer, scope=Scope.APP)
    token_lookup = provide(TokenLookup, scope=Scope.APP)
    authenticate_client = provide(AuthenticateClient, scope=Scope.APP)
    register_user = provide(RegisterUser)
    login_throttle = provide(LoginThrottle)
    log_in = provide(LogIn)
    change_password = provide(ChangePassword)
    password_reset_issuer = provide(PasswordResetIssuer, scope=Scope.APP)
    request_password_reset = provide(RequestPasswordReset)
    confirm_password_reset = provide(ConfirmPasswordReset)
    create_password_reset_link = provide(CreatePasswordResetLink)
    refresh_session = provide(RefreshSession)
    log_out = provide(LogOut)
    log_out_everywhere = provide(LogOutEverywhere)
    log_out_by_refresh_token = provide(LogOutByRefreshToken)
    get_profile = provide(GetProfile, scope=Scope.APP)
    introspect_token = provide(IntrospectToken)
    revoke_token = provide(RevokeToken)
    list_revocations = provide(ListRevocations)
    sync_replica = provide(SyncReplica)
    purge_expired = provide(PurgeExpired)
    list_sessions = provide(ListSessions)
    end_session = provide(EndSession)
    list_users = provide(ListUsers)
    disable_user = provide(DisableUser)
    enable_user = provide(EnableUser)
    end_user_sessions = provide(EndUserSessions)
    grant_role = provide(GrantRole)
    revoke_role = provide(RevokeRole)
    set_user_claims = provide(SetUserClaims)
    import_users = provide(ImportUsers, scope=Scope.APP)

    verify_access_token = provide(VerifyAccessToken, scope=Scope.APP)
