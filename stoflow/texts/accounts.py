"""Texts of the account pages: registration extras, e-mailed links, the account page."""

COUNTRY_NAMES: dict[str, tuple[str, str]] = {
    "AT": ("Austria", "Autriche"),
    "BE": ("Belgium", "Belgique"),
    "CA": ("Canada", "Canada"),
    "CH": ("Switzerland", "Suisse"),
    "CZ": ("Czechia", "Tchéquie"),
    "DE": ("Germany", "Allemagne"),
    "DK": ("Denmark", "Danemark"),
    "ES": ("Spain", "Espagne"),
    "FI": ("Finland", "Finlande"),
    "FR": ("France", "France"),
    "GB": ("United Kingdom", "Royaume-Uni"),
    "GR": ("Greece", "Grèce"),
    "HU": ("Hungary", "Hongrie"),
    "IE": ("Ireland", "Irlande"),
    "IT": ("Italy", "Italie"),
    "LT": ("Lithuania", "Lituanie"),
    "LU": ("Luxembourg", "Luxembourg"),
    "NL": ("Netherlands", "Pays-Bas"),
    "PL": ("Poland", "Pologne"),
    "PT": ("Portugal", "Portugal"),
    "RO": ("Romania", "Roumanie"),
    "SE": ("Sweden", "Suède"),
    "SK": ("Slovakia", "Slovaquie"),
    "US": ("United States", "États-Unis"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    **{f"country.{code}": names for code, names in COUNTRY_NAMES.items()},
    # --- registration ---
    "auth.country": ("Country", "Pays"),
    "auth.country_choose": ("Choose your country", "Choisissez votre pays"),
    "auth.strength.refused": ("Too common or too easy to guess", "Trop courant ou trop facile à deviner"),
    "auth.strength.0": ("Very weak", "Très faible"),
    "auth.strength.1": ("Weak", "Faible"),
    "auth.strength.2": ("Fair", "Moyen"),
    "auth.strength.3": ("Strong", "Fort"),
    "auth.strength.4": ("Very strong", "Très fort"),
    "auth.register.check_inbox": (
        "Almost there: we sent you an e-mail with a link to confirm your address.",
        "Presque fini : nous vous avons envoyé un e-mail avec un lien pour confirmer votre adresse.",
    ),
    "auth.register.check_inbox_help": (
        "Follow the link within 24 hours, then sign in. Nothing arrived? Sign in and ask for a new link.",
        "Suivez le lien dans les 24 heures, puis connectez-vous. "
        "Rien reçu ? Connectez-vous et demandez un nouveau lien.",
    ),
    # --- sign in ---
    "auth.sign_in.forgot": ("Forgot your password?", "Mot de passe oublié ?"),
    "auth.sign_in.not_verified": (
        "Confirm your e-mail address first: follow the link we sent you.",
        "Confirmez d'abord votre adresse e-mail : suivez le lien que nous vous avons envoyé.",
    ),
    "auth.sign_in.resend": ("Send the link again", "Renvoyer le lien"),
    "auth.sign_in.resent": (
        "If this address awaits confirmation, a new link is on its way.",
        "Si cette adresse attend sa confirmation, un nouveau lien est en route.",
    ),
    "auth.sign_in.deleted": ("Your account has been deleted.", "Votre compte a été supprimé."),
    # --- verify, forgot, reset ---
    "auth.verify.title": ("Confirm your e-mail address", "Confirmez votre adresse e-mail"),
    "auth.verify.subtitle": ("One click and your account is ready.", "Un clic et votre compte est prêt."),
    "auth.verify.done": (
        "Your address is confirmed. You can sign in.",
        "Votre adresse est confirmée. Vous pouvez vous connecter.",
    ),
    "auth.verify.failed_help": (
        "Sign in with your e-mail and password to get a new link.",
        "Connectez-vous avec votre e-mail et votre mot de passe pour recevoir un nouveau lien.",
    ),
    "auth.forgot.title": ("Reset your password", "Réinitialiser votre mot de passe"),
    "auth.forgot.subtitle": (
        "Enter your account's e-mail: we will send you a link to choose a new password.",
        "Saisissez l'e-mail de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.",
    ),
    "auth.forgot.submit": ("Send the link", "Envoyer le lien"),
    "auth.forgot.sent": (
        "If an account uses this address, a link valid for one hour is on its way.",
        "Si un compte utilise cette adresse, un lien valable une heure est en route.",
    ),
    "auth.forgot.remembered": ("Remembered it?", "Vous vous en souvenez ?"),
    "auth.reset.title": ("Choose a new password", "Choisissez un nouveau mot de passe"),
    "auth.reset.subtitle": (
        "Every device signed in to your account will be signed out.",
        "Tous les appareils connectés à votre compte seront déconnectés.",
    ),
    "auth.reset.new_password": ("New password", "Nouveau mot de passe"),
    "auth.reset.submit": ("Save the new password", "Enregistrer le mot de passe"),
    "auth.reset.done": (
        "Your password has been changed. Sign in with the new one.",
        "Votre mot de passe a été modifié. Connectez-vous avec le nouveau.",
    ),
    "auth.reset.ask_again": ("Ask for a new link", "Demander un nouveau lien"),
    # --- account page ---
    "nav.account": ("Account", "Compte"),
    "account.title": ("Your account", "Votre compte"),
    "account.intro": (
        "Your profile, your password, the devices signed in, and your data.",
        "Votre profil, votre mot de passe, les appareils connectés et vos données.",
    ),
    "account.profile": ("Profile", "Profil"),
    "account.profile_help": (
        "How StoFlow addresses you, in which language, and where you sell from.",
        "Comment StoFlow s'adresse à vous, dans quelle langue, et d'où vous vendez.",
    ),
    "account.display_name": ("Name or shop name", "Nom ou nom de la boutique"),
    "account.save": ("Save", "Enregistrer"),
    "account.profile_saved": ("Profile saved.", "Profil enregistré."),
    "account.password": ("Password", "Mot de passe"),
    "account.password_help": (
        "Changing it signs out every other device.",
        "Le changer déconnecte tous les autres appareils.",
    ),
    "account.current_password": ("Current password", "Mot de passe actuel"),
    "account.new_password": ("New password", "Nouveau mot de passe"),
    "account.change_password": ("Change the password", "Changer le mot de passe"),
    "account.password_changed": (
        "Password changed. Your other devices are signed out.",
        "Mot de passe modifié. Vos autres appareils sont déconnectés.",
    ),
    "account.sessions": ("Signed-in devices", "Appareils connectés"),
    "account.sessions_help": (
        "Sign out a device you do not recognise, or every device at once.",
        "Déconnectez un appareil que vous ne reconnaissez pas, ou tous à la fois.",
    ),
    "account.device": ("Device", "Appareil"),
    "account.last_seen": ("Last active", "Dernière activité"),
    "account.this_device": ("This device", "Cet appareil"),
    "account.session_revoked": ("That device is signed out.", "Cet appareil est déconnecté."),
    "account.session_not_found": ("That session had already ended.", "Cette session était déjà terminée."),
    "account.sign_out_everywhere": ("Sign out everywhere", "Se déconnecter partout"),
    "account.sign_out_everywhere_confirm": (
        "Every device, this one included, will have to sign in again.",
        "Tous les appareils, celui-ci compris, devront se reconnecter.",
    ),
    "account.cancel": ("Cancel", "Annuler"),
    "account.data": ("Your data", "Vos données"),
    "account.data_help": (
        "Download everything StoFlow holds about you: a ZIP of JSON files and your photos.",
        "Téléchargez tout ce que StoFlow conserve sur vous : un ZIP de fichiers JSON et vos photos.",
    ),
    "account.download": ("Download my data", "Télécharger mes données"),
    "account.export_failed": (
        "The download could not be prepared. Please try again.",
        "Le téléchargement n'a pas pu être préparé. Veuillez réessayer.",
    ),
    "account.delete": ("Delete my account", "Supprimer mon compte"),
    "account.delete_help": (
        "Your catalogue, photos, listings and connections are erased for good.",
        "Votre catalogue, vos photos, vos annonces et vos connexions sont effacés définitivement.",
    ),
    "account.delete_confirm": (
        "This cannot be undone. Enter your password to confirm.",
        "C'est irréversible. Saisissez votre mot de passe pour confirmer.",
    ),
    "account.delete_confirm_button": ("Delete for good", "Supprimer définitivement"),
    # --- error codes ---
    "email_not_verified": (
        "Confirm your e-mail address first: follow the link we sent you.",
        "Confirmez d'abord votre adresse e-mail : suivez le lien que nous vous avons envoyé.",
    ),
    "password_common": (
        "This password is among the most common ones: choose another.",
        "Ce mot de passe fait partie des plus courants : choisissez-en un autre.",
    ),
    "password_wrong": ("Wrong password.", "Mot de passe incorrect."),
    "password_unchanged": (
        "The new password must differ from the current one.",
        "Le nouveau mot de passe doit être différent de l'actuel.",
    ),
    "display_name_required": ("Enter a name.", "Saisissez un nom."),
    "country_invalid": ("Choose your country.", "Choisissez votre pays."),
    "link_invalid": ("This link is not valid.", "Ce lien n'est pas valide."),
    "link_expired": ("This link has expired.", "Ce lien a expiré."),
    "link_used": ("This link has already been used.", "Ce lien a déjà été utilisé."),
    "not_signed_in": ("You are signed out. Sign in again.", "Vous êtes déconnecté. Reconnectez-vous."),
    "token_expired": ("Your session has expired. Sign in again.", "Votre session a expiré. Reconnectez-vous."),
    "account_not_found": ("This account no longer exists.", "Ce compte n'existe plus."),
}

ERROR_CODES: tuple[str, ...] = (
    "email_not_verified",
    "password_common",
    "password_wrong",
    "password_unchanged",
    "display_name_required",
    "country_invalid",
    "link_invalid",
    "link_expired",
    "link_used",
    "not_signed_in",
    "token_expired",
    "account_not_found",
)
