"""French and English text.

Every visible string has a key in MESSAGES with both languages. In pages, `t(key)` is a
Var that follows the user's language; on the server, `tr(language, key)` gives the text.
A unit test checks that both languages have every key and that no key used is missing.
"""

from __future__ import annotations

from typing import Any

from stoflow.texts import accounts as _accounts_texts
from stoflow.texts import admin_users as _admin_users_texts
from stoflow.texts import ai as _ai_texts
from stoflow.texts import ai_ui as _ai_ui_texts
from stoflow.texts import bulk as _bulk_texts
from stoflow.texts import catalog as _catalog_texts
from stoflow.texts import mail as _mail_texts
from stoflow.texts import photos as _photos_texts
from stoflow.texts import security as _security_texts
from stoflow.texts import uploads as _uploads_texts

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"

# key: (English, French)
MESSAGES: dict[str, tuple[str, str]] = {
    # --- shell ---
    "nav.dashboard": ("Dashboard", "Tableau de bord"),
    "nav.settings": ("Settings", "Paramètres"),
    "nav.admin": ("Admin", "Administration"),
    "nav.menu": ("Menu", "Menu"),
    "shell.sign_out": ("Sign out", "Se déconnecter"),
    "shell.language": ("Language", "Langue"),
    "shell.loading": ("Loading…", "Chargement…"),
    "shell.account_menu": ("Account menu", "Menu du compte"),
    "shell.close": ("Close", "Fermer"),
    "shell.tagline": (
        "One catalogue. Every marketplace.",
        "Un seul catalogue. Toutes les plateformes.",
    ),
    # --- sign in / register ---
    "auth.sign_in.title": ("Sign in to StoFlow", "Connexion à StoFlow"),
    "auth.sign_in.subtitle": ("Welcome back.", "Bon retour parmi nous."),
    "auth.sign_in.submit": ("Sign in", "Se connecter"),
    "auth.sign_in.no_account": ("No account yet?", "Pas encore de compte ?"),
    "auth.sign_in.create": ("Create one", "Créez-en un"),
    "auth.register.title": ("Create your StoFlow account", "Créez votre compte StoFlow"),
    "auth.register.subtitle": (
        "Your catalogue, listed on Vinted, eBay and Etsy from one place.",
        "Votre catalogue, publié sur Vinted, eBay et Etsy depuis un seul endroit.",
    ),
    "auth.register.submit": ("Create my account", "Créer mon compte"),
    "auth.register.have_account": ("Already have an account?", "Vous avez déjà un compte ?"),
    "auth.register.sign_in": ("Sign in", "Connectez-vous"),
    "auth.email": ("E-mail", "E-mail"),
    "auth.password": ("Password", "Mot de passe"),
    "auth.password_hint": ("At least 12 characters.", "Au moins 12 caractères."),
    "auth.display_name": ("Your name or shop name", "Votre nom ou celui de votre boutique"),
    "auth.optional": ("optional", "facultatif"),
    "auth.language": ("Language", "Langue"),
    "lang.en": ("English", "Anglais"),
    "lang.fr": ("French", "Français"),
    # --- dashboard ---
    "dashboard.title": ("Dashboard", "Tableau de bord"),
    "dashboard.hello": ("Hello", "Bonjour"),
    "dashboard.intro": (
        "Here is what is happening in your shop.",
        "Voici ce qui se passe dans votre boutique.",
    ),
    "dashboard.activity": ("Recent activity", "Activité récente"),
    "dashboard.activity_empty_title": ("Nothing has run yet", "Rien ne s'est encore exécuté"),
    "dashboard.activity_empty": (
        "Publishing and sync jobs will appear here as they run, with their progress.",
        "Les publications et synchronisations apparaîtront ici pendant leur exécution, avec leur progression.",
    ),
    "job.kind": ("Job", "Tâche"),
    "job.status": ("Status", "Statut"),
    "job.progress": ("Progress", "Progression"),
    "job.created": ("Started", "Lancée"),
    "job.queued": ("Queued", "En attente"),
    "job.running": ("Running", "En cours"),
    "job.succeeded": ("Done", "Terminée"),
    "job.failed": ("Failed", "Échouée"),
    "job.cancelled": ("Cancelled", "Annulée"),
    "job.kind.bulk_edit": ("Bulk change of products", "Modification groupée de produits"),
    "job.kind.photo_import": ("Photos of a CSV import", "Photos d'un import CSV"),
    # --- settings ---
    "settings.title": ("Settings", "Paramètres"),
    "settings.account": ("Account", "Compte"),
    "settings.email": ("E-mail", "E-mail"),
    "settings.name": ("Name", "Nom"),
    "settings.role": ("Role", "Rôle"),
    "settings.member_since": ("Member since", "Membre depuis"),
    "settings.language": ("Interface language", "Langue de l'interface"),
    "settings.language_help": (
        "Saved to your account: StoFlow uses it on every device you sign in from.",
        "Enregistrée dans votre compte : StoFlow l'utilise sur tous vos appareils.",
    ),
    "settings.language_saved": ("Language saved.", "Langue enregistrée."),
    "settings.session": ("Session", "Session"),
    "settings.session_help": (
        "Signing out ends this session on this device.",
        "La déconnexion met fin à la session sur cet appareil.",
    ),
    "role.admin": ("Administrator", "Administrateur"),
    "role.support": ("Support", "Support"),
    "role.user": ("Seller", "Vendeur"),
    # --- paged tables ---
    "pager.page": ("Page", "Page"),
    "pager.of": ("of", "sur"),
    "pager.previous": ("Previous", "Précédent"),
    "pager.next": ("Next", "Suivant"),
    # --- audit log ---
    "nav.audit": ("Audit log", "Journal d'audit"),
    "audit.title": ("Audit log", "Journal d'audit"),
    "audit.intro": (
        "Sign-ins, account changes and every admin action, newest first.",
        "Connexions, modifications de comptes et actions d'administration, les plus récentes d'abord.",
    ),
    "audit.when": ("When", "Date"),
    "audit.action": ("Action", "Action"),
    "audit.actor": ("By", "Par"),
    "audit.target": ("Account", "Compte"),
    "audit.ip": ("IP address", "Adresse IP"),
    "audit.details": ("Details", "Détails"),
    "audit.all_actions": ("All actions", "Toutes les actions"),
    "audit.filter_email": ("Filter by e-mail", "Filtrer par e-mail"),
    "audit.search": ("Search", "Rechercher"),
    "audit.empty_title": ("No event matches", "Aucun événement ne correspond"),
    "audit.empty": (
        "Change or clear the filters to see more of the log.",
        "Modifiez ou effacez les filtres pour voir plus d'événements.",
    ),
    "audit.events": ("Events", "Événements"),
    "action.account.registered": ("Account created", "Compte créé"),
    "action.account.admin_created": ("Admin created", "Administrateur créé"),
    "action.auth.sign_in": ("Signed in", "Connexion"),
    "action.auth.sign_in_failed": ("Sign-in failed", "Échec de connexion"),
    "action.auth.sign_out": ("Signed out", "Déconnexion"),
    "action.auth.locked_out": ("Sign-ins slowed down", "Connexions ralenties"),
    "action.account.language_changed": ("Language changed", "Langue modifiée"),
    "action.account.email_verified": ("E-mail address verified", "Adresse e-mail vérifiée"),
    "action.account.profile_changed": ("Profile changed", "Profil modifié"),
    "action.account.password_changed": ("Password changed", "Mot de passe modifié"),
    "action.account.password_reset_requested": ("Password reset requested", "Réinitialisation demandée"),
    "action.account.password_reset": ("Password reset", "Mot de passe réinitialisé"),
    "action.account.deleted": ("Account deleted", "Compte supprimé"),
    "action.account.data_exported": ("Data downloaded", "Données téléchargées"),
    "action.auth.session_revoked": ("Session signed out", "Session déconnectée"),
    "action.auth.sessions_revoked_all": ("Signed out everywhere", "Déconnexion partout"),
    "action.auth.refresh_token_reused": (
        "Replayed token: device signed out",
        "Jeton rejoué : appareil déconnecté",
    ),
    "action.admin.user_verified": ("Address verified by staff", "Adresse vérifiée par l'équipe"),
    "action.admin.user_locked": ("Account locked by staff", "Compte verrouillé par l'équipe"),
    "action.admin.user_unlocked": ("Account unlocked", "Compte déverrouillé"),
    "action.admin.role_changed": ("Role changed", "Rôle modifié"),
    "action.admin.user_deactivated": ("Account deactivated", "Compte désactivé"),
    "action.admin.user_reactivated": ("Account reactivated", "Compte réactivé"),
    "action.security.permission_denied": ("Refused: not allowed", "Refusé : non autorisé"),
    "permission_denied": (
        "Your role does not allow this.",
        "Votre rôle ne le permet pas.",
    ),
    # --- admin ---
    "admin.title": ("Platform", "Plateforme"),
    "admin.intro": (
        "Health of the services and of the seller workspaces.",
        "État des services et des espaces vendeurs.",
    ),
    "admin.health": ("Services", "Services"),
    "admin.refresh": ("Refresh", "Actualiser"),
    "admin.database": ("Database", "Base de données"),
    "admin.redis": ("Redis", "Redis"),
    "admin.worker": ("Background worker", "Traitements en arrière-plan"),
    "admin.ok": ("Up", "Opérationnel"),
    "admin.down": ("Down", "Hors service"),
    "admin.checking": ("Checking…", "Vérification…"),
    "admin.users": ("Accounts", "Comptes"),
    "admin.sellers": ("Sellers", "Vendeurs"),
    "admin.staff": ("Staff", "Équipe"),
    "admin.workspaces": ("Seller workspaces", "Espaces vendeurs"),
    "admin.schemas_registered": ("Registered", "Enregistrés"),
    "admin.schemas_present": ("In the database", "Dans la base"),
    "admin.schemas_current": ("Up to date", "À jour"),
    "admin.migration_head": ("Schema version", "Version du schéma"),
    "admin.checked_at": ("Checked at", "Vérifié à"),
    "admin.overview_failed": (
        "The account and workspace figures could not be read. See the server log.",
        "Les chiffres des comptes et des espaces n'ont pas pu être lus. Voir le journal du serveur.",
    ),
    # --- form errors (codes returned by stoflow.accounts and /api/auth) ---
    "email_required": ("Enter your e-mail address.", "Saisissez votre adresse e-mail."),
    "email_invalid": ("This is not a valid e-mail address.", "Cette adresse e-mail n'est pas valide."),
    "email_taken": (
        "An account already exists with this e-mail address.",
        "Un compte existe déjà avec cette adresse e-mail.",
    ),
    "password_too_short": (
        "Use at least 12 characters.",
        "Utilisez au moins 12 caractères.",
    ),
    "password_too_long": ("Use at most 128 characters.", "Utilisez au plus 128 caractères."),
    "password_too_weak": (
        "This password is too easy to guess.",
        "Ce mot de passe est trop facile à deviner.",
    ),
    "display_name_too_long": ("Use at most 120 characters.", "Utilisez au plus 120 caractères."),
    "language_invalid": ("Choose English or French.", "Choisissez l'anglais ou le français."),
    "invalid_credentials": ("Wrong e-mail or password.", "E-mail ou mot de passe incorrect."),
    "account_inactive": (
        "This account is deactivated. Contact support.",
        "Ce compte est désactivé. Contactez le support.",
    ),
    "account_locked": (
        "This account is locked. Contact support.",
        "Ce compte est verrouillé. Contactez le support.",
    ),
    "rate_limited": (
        "Too many attempts. Wait a few minutes, then try again.",
        "Trop de tentatives. Patientez quelques minutes puis réessayez.",
    ),
    "origin_not_allowed": (
        "This request did not come from StoFlow.",
        "Cette requête ne provient pas de StoFlow.",
    ),
    "invalid_request": ("Some fields are invalid.", "Certains champs ne sont pas valides."),
    "internal_error": (
        "Something went wrong on our side. Please try again.",
        "Un problème est survenu de notre côté. Veuillez réessayer.",
    ),
    "network_error": (
        "StoFlow cannot be reached. Check your connection and try again.",
        "StoFlow est injoignable. Vérifiez votre connexion et réessayez.",
    ),
}


def _merge(*modules: Any) -> None:
    for module in modules:
        for key, texts in module.MESSAGES.items():
            if key in MESSAGES:
                raise ValueError(f"message key {key!r} of {module.__name__} is already defined")
            MESSAGES[key] = texts


_merge(
    _accounts_texts,
    _admin_users_texts,
    _ai_texts,
    _ai_ui_texts,
    _bulk_texts,
    _catalog_texts,
    _mail_texts,
    _photos_texts,
    _security_texts,
    _uploads_texts,
)


def tr(language: str, key: str) -> str:
    """The text of `key` in `language` (English when the language is unknown)."""
    english, french = MESSAGES[key]
    return french if language == "fr" else english


# Codes the API and services return; the UI translates them from a Var (see t_code).
ERROR_CODES = (
    "email_required",
    "email_invalid",
    "email_taken",
    "password_too_short",
    "password_too_long",
    "password_too_weak",
    "display_name_too_long",
    "language_invalid",
    "invalid_credentials",
    "account_inactive",
    "account_locked",
    "rate_limited",
    "origin_not_allowed",
    "invalid_request",
    "internal_error",
    "network_error",
    "permission_denied",
    *_accounts_texts.ERROR_CODES,
    *_ai_texts.ERROR_CODES,
    *_ai_ui_texts.ERROR_CODES,
    *_admin_users_texts.ERROR_CODES,
    *_bulk_texts.ERROR_CODES,
    *_catalog_texts.ERROR_CODES,
    *_mail_texts.ERROR_CODES,
    *_photos_texts.ERROR_CODES,
)


def t_code(code: Any) -> Any:
    """A Var holding the text of an error code held in a Var ("" when there is none)."""
    import reflex as rx

    from stoflow.state.language import LanguageState

    table = rx.Var.create({key: {"en": MESSAGES[key][0], "fr": MESSAGES[key][1]} for key in ERROR_CODES})
    fallback = rx.Var.create({"en": MESSAGES["internal_error"][0], "fr": MESSAGES["internal_error"][1]})
    entry = rx.cond(table[code], table[code], fallback)
    return rx.cond(code == "", "", entry[LanguageState.lang])


def t(key: str) -> Any:
    """A Var holding the text of `key` in the current user's language."""
    import reflex as rx

    from stoflow.state.language import LanguageState

    english, french = MESSAGES[key]
    if english == french:
        return english
    return rx.cond(LanguageState.lang == "fr", french, english)
