"""Texts of refused uploads (stoflow.api.upload_guard), key: (English, French)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "upload.not_found": ("There is nothing here.", "Il n'y a rien ici."),
    "upload.unknown_handler": ("This upload is not accepted here.", "Cet envoi n'est pas accepté ici."),
    "upload.length_required": (
        "The upload did not say its size: try again from the page.",
        "L'envoi n'indiquait pas sa taille : réessayez depuis la page.",
    ),
    "upload.too_large": (
        "These files are too large to send at once.",
        "Ces fichiers sont trop volumineux pour être envoyés en une fois.",
    ),
    "upload.not_signed_in": (
        "Your session has ended: sign in again to upload files.",
        "Votre session a expiré : reconnectez-vous pour envoyer des fichiers.",
    ),
    "upload.not_your_page": (
        "This page belongs to another session: reload it, then try again.",
        "Cette page appartient à une autre session : rechargez-la, puis réessayez.",
    ),
}

ERROR_CODES: tuple[str, ...] = ()
