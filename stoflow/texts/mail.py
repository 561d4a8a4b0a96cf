"""Texts of the mail feature (see stoflow.texts): e-mail subjects and the outbox page.

The bodies of the e-mails live beside their layout in stoflow.mail.templates.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- e-mail subjects (tr(language, f"mail.subject.{template}")) ---
    "mail.subject.verify_email": ("Confirm your e-mail address", "Confirmez votre adresse e-mail"),
    "mail.subject.reset_password": ("Reset your StoFlow password", "Réinitialisez votre mot de passe StoFlow"),
    "mail.subject.password_changed": (
        "Your StoFlow password was changed",
        "Votre mot de passe StoFlow a été modifié",
    ),
    "mail.subject.account_deleted": ("Your StoFlow account was deleted", "Votre compte StoFlow a été supprimé"),
    # --- the development outbox (/admin/outbox) ---
    "nav.outbox": ("Outbox", "Boîte d'envoi"),
    "outbox.title": ("Outbox", "Boîte d'envoi"),
    "outbox.intro": (
        "No SMTP server is set: the e-mails StoFlow sends are kept here instead, newest first.",
        "Aucun serveur SMTP n'est configuré : les e-mails envoyés par StoFlow sont gardés ici, "
        "les plus récents d'abord.",
    ),
    "outbox.when": ("When", "Date"),
    "outbox.to": ("To", "Destinataire"),
    "outbox.subject": ("Subject", "Objet"),
    "outbox.template": ("Kind", "Type"),
    "outbox.language": ("Language", "Langue"),
    "outbox.filter_to": ("Filter by recipient", "Filtrer par destinataire"),
    "outbox.search": ("Search", "Rechercher"),
    "outbox.refresh": ("Refresh", "Actualiser"),
    "outbox.read": ("Read this e-mail", "Lire cet e-mail"),
    "outbox.links": ("Links in this e-mail", "Liens de cet e-mail"),
    "outbox.close": ("Close", "Fermer"),
    "outbox.gone": (
        "This e-mail is no longer in the outbox.",
        "Cet e-mail n'est plus dans la boîte d'envoi.",
    ),
    "outbox.empty_title": ("No e-mail", "Aucun e-mail"),
    "outbox.empty": (
        "E-mails StoFlow sends (address checks, password resets…) appear here. Clear the filter if you set one.",
        "Les e-mails envoyés par StoFlow (vérifications d'adresse, réinitialisations…) apparaissent ici. "
        "Effacez le filtre si vous en avez saisi un.",
    ),
    "outbox.sent": ("Sent", "Envoyés"),
    "outbox.template.verify_email": ("Address check", "Vérification d'adresse"),
    "outbox.template.reset_password": ("Password reset", "Réinitialisation"),
    "outbox.template.password_changed": ("Password changed", "Mot de passe modifié"),
    "outbox.template.account_deleted": ("Account deleted", "Compte supprimé"),
}

ERROR_CODES: tuple[str, ...] = ()
