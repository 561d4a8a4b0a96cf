"""Texts of the AI features, in stoflow.texts' format (key: (English, French)).

The keys are the `AiError` codes, so `tr(language, error.code)` is the seller's message once
these MESSAGES are merged into stoflow.i18n.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "ai_not_configured": (
        "AI writing is not set up on this server. You can still use the template.",
        "La rédaction par IA n'est pas configurée sur ce serveur. Vous pouvez utiliser le modèle.",
    ),
    "ai_unreachable": (
        "The AI service could not be reached. Your edits are kept; try again in a moment.",
        "Le service d'IA est injoignable. Vos modifications sont conservées ; réessayez dans un instant.",
    ),
    "ai_quota_exhausted": (
        "The AI service is at its usage limit for now. Your edits are kept; try again later.",
        "Le service d'IA a atteint sa limite d'utilisation. Vos modifications sont conservées ; réessayez plus tard.",
    ),
    "ai_blocked": (
        "The AI declined these photos or this text. Fill in the fields yourself or use the template.",
        "L'IA a refusé ces photos ou ce texte. Remplissez les champs vous-même ou utilisez le modèle.",
    ),
    "ai_invalid_answer": (
        "The AI gave an answer we could not use. Your edits are kept; try again.",
        "L'IA a donné une réponse inutilisable. Vos modifications sont conservées ; réessayez.",
    ),
    "ai_key_rejected": (
        "The AI service refused StoFlow's key. Please tell the administrator.",
        "Le service d'IA a refusé la clé de StoFlow. Merci de prévenir l'administrateur.",
    ),
    "ai_request_rejected": (
        "The AI service refused the request. Your edits are kept; try again or use the template.",
        "Le service d'IA a refusé la demande. Vos modifications sont conservées ; réessayez ou utilisez le modèle.",
    ),
}


ERROR_CODES: tuple[str, ...] = tuple(MESSAGES)
