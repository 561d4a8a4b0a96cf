"""Texts of sign-in protection and registration without enumeration (see stoflow.texts)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- registration: the same answer whether the address is new or already registered ---
    "auth.register.check_email": (
        "Check your e-mail: we sent a message to this address.",
        "Consultez vos e-mails : nous avons envoyé un message à cette adresse.",
    ),
    "auth.register.check_email_help": (
        "New to StoFlow? Follow the link within 24 hours to confirm your address, then sign in. "
        "If this address already has an account, the message tells you how to sign in "
        "or reset your password.",
        "Nouveau sur StoFlow ? Suivez le lien dans les 24 heures pour confirmer votre adresse, "
        "puis connectez-vous. Si cette adresse a déjà un compte, le message vous explique comment "
        "vous connecter ou réinitialiser votre mot de passe.",
    ),
    # --- the notice to the owner of an address someone tried to register again ---
    "mail.subject.account_exists": (
        "You already have a StoFlow account",
        "Vous avez déjà un compte StoFlow",
    ),
    "outbox.template.account_exists": ("Account already exists", "Compte déjà existant"),
    # --- audit ---
    "action.account.password_check_failed": (
        "Wrong password (signed in)",
        "Mot de passe erroné (connecté)",
    ),
}

ERROR_CODES: tuple[str, ...] = ()
