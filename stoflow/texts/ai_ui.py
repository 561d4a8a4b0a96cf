"""Texts of the editor's AI assistant panel (stoflow.pages.product_ai), key: (English, French).

The error codes the panel adds to `stoflow.texts.ai`'s are in ERROR_CODES.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "ai.panel.title": ("AI assistant", "Assistant IA"),
    "ai.panel.credits": ("AI credits left this month:", "Crédits IA restants ce mois-ci :"),
    "ai.panel.fill": ("Fill from photos", "Remplir depuis les photos"),
    "ai.panel.fill_help": (
        "Proposes the category, brand, colours, materials, condition and size from your photos (not the label photo).",
        "Propose la catégorie, la marque, les couleurs, les matières, l'état et la taille d'après vos photos "
        "(sauf la photo d'étiquette).",
    ),
    "ai.panel.marketplace": ("Marketplace", "Plateforme"),
    "ai.panel.write": ("Write title and description", "Rédiger titre et description"),
    "ai.panel.template": ("Use the template", "Utiliser le modèle"),
    "ai.panel.template_help": ("The template uses no AI credit.", "Le modèle ne consomme aucun crédit IA."),
    "ai.panel.working": ("The AI is working…", "L'IA travaille…"),
    "ai.panel.review": ("Review the proposals", "Vérifiez les propositions"),
    "ai.panel.review_help": (
        "Nothing is saved until you save the product.",
        "Rien n'est enregistré tant que vous n'enregistrez pas le produit.",
    ),
    "ai.panel.current": ("Now", "Actuel"),
    "ai.panel.proposed": ("Proposed", "Proposé"),
    "ai.panel.accept": ("Accept", "Accepter"),
    "ai.panel.accept_all": ("Accept all", "Tout accepter"),
    "ai.panel.dismiss": ("Dismiss", "Ignorer"),
    "ai.panel.nothing_new": (
        "The AI proposes nothing different from what the product already has.",
        "L'IA ne propose rien de différent de ce que le produit contient déjà.",
    ),
    "ai.panel.needs_photos": (
        "Add photos of the item (saved product) to fill it from them.",
        "Ajoutez des photos de l'article (produit enregistré) pour le remplir à partir d'elles.",
    ),
    "ai.panel.accepted": (
        "Applied to the form: save to keep it.",
        "Appliqué au formulaire : enregistrez pour le garder.",
    ),
    "ai.field.category": ("Category", "Catégorie"),
    "ai.field.brand": ("Brand", "Marque"),
    "ai.field.size": ("Size", "Taille"),
    "ai.field.condition": ("Condition", "État"),
    "ai.field.colors": ("Colours", "Couleurs"),
    "ai.field.materials": ("Materials", "Matières"),
    "ai.field.details": ("Details (added to the description)", "Détails (ajoutés à la description)"),
    "ai.field.title": ("Title", "Titre"),
    "ai.field.description": ("Description", "Description"),
    # --- error codes of the panel (the AiError codes are in stoflow.texts.ai) ---
    "ai_credits_exhausted": (
        "You have used all your AI credits for this month. The template is still available.",
        "Vous avez utilisé tous vos crédits IA ce mois-ci. Le modèle reste disponible.",
    ),
    "ai_no_photos": (
        "Add at least one photo of the item (other than the label) first.",
        "Ajoutez d'abord au moins une photo de l'article (autre que l'étiquette).",
    ),
    "ai_failed": (
        "The AI assistant ran into a problem. Your edits are kept; try again.",
        "L'assistant IA a rencontré un problème. Vos modifications sont conservées ; réessayez.",
    ),
}

ERROR_CODES: tuple[str, ...] = ("ai_credits_exhausted", "ai_no_photos", "ai_failed")
