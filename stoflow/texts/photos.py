"""Texts of a product's photo gallery: upload zone, tiles, actions, refusals."""

MESSAGES: dict[str, tuple[str, str]] = {
    "photos.title": ("Product photos", "Photos du produit"),
    "photos.drop": ("Drop photos here, or click to choose them", "Déposez vos photos ici, ou cliquez pour les choisir"),
    "photos.drop_active": ("Drop them to upload", "Relâchez pour les envoyer"),
    "photos.types": (
        "JPEG, PNG, WebP or HEIC, up to 20 MB each, 24 per product.",
        "JPEG, PNG, WebP ou HEIC, jusqu'à 20 Mo chacune, 24 par produit.",
    ),
    "photos.opening": ("Opening the product…", "Ouverture du produit…"),
    "photos.save_first": (
        "Save the product first to add photos.",
        "Enregistrez d'abord le produit pour ajouter des photos.",
    ),
    "photos.empty_title": ("No photos yet", "Pas encore de photos"),
    "photos.empty": (
        "The first photo is the cover buyers see in search results.",
        "La première photo est la couverture que les acheteurs voient dans les résultats.",
    ),
    "photos.label_note": (
        "The label photo (care label, size tag) stays internal: it is never published and never sent to the AI.",
        "La photo d'étiquette (composition, taille) reste interne : elle n'est jamais publiée ni envoyée à l'IA.",
    ),
    "photos.uploading": ("Uploading…", "Envoi en cours…"),
    "photos.cover": ("Cover", "Couverture"),
    "photos.label": ("Label", "Étiquette"),
    "photos.alt": ("Product photo", "Photo du produit"),
    "photos.make_cover": ("Make cover", "Mettre en couverture"),
    "photos.mark_label": ("Mark as label", "Marquer comme étiquette"),
    "photos.unmark_label": ("Not the label", "Pas l'étiquette"),
    "photos.move_left": ("Move left", "Déplacer à gauche"),
    "photos.move_right": ("Move right", "Déplacer à droite"),
    "photos.delete": ("Delete", "Supprimer"),
    "photos.delete_title": ("Delete this photo?", "Supprimer cette photo ?"),
    "photos.delete_confirm": (
        "The photo and its thumbnail are removed for good.",
        "La photo et sa miniature sont supprimées définitivement.",
    ),
    "photos.added": ("Photos added", "Photos ajoutées"),
    "photos.refused": ("Not added", "Non ajoutées"),
    "photos.deleted": ("Photo deleted.", "Photo supprimée."),
    "photos.reordered": ("Order saved.", "Ordre enregistré."),
    "photos.cover_set": ("Cover chosen.", "Couverture choisie."),
    "photos.label_set": ("Marked as the label photo.", "Marquée comme photo d'étiquette."),
    "photos.label_unset": ("No longer the label photo.", "N'est plus la photo d'étiquette."),
    "photos.drag_hint": (
        "Drag a photo onto another to reorder, or use the arrows.",
        "Glissez une photo sur une autre pour réordonner, ou utilisez les flèches.",
    ),
    # --- refusals (codes of stoflow.photos.processing.PhotoRejected, and the gallery's own) ---
    "photo_too_large": ("This file is larger than 20 MB.", "Ce fichier dépasse 20 Mo."),
    "photo_not_an_image": ("This file is not an image.", "Ce fichier n'est pas une image."),
    "photo_type_not_allowed": (
        "Only JPEG, PNG, WebP and HEIC photos are accepted.",
        "Seules les photos JPEG, PNG, WebP et HEIC sont acceptées.",
    ),
    "photo_too_many_pixels": (
        "This image has more than 40 megapixels.",
        "Cette image dépasse 40 mégapixels.",
    ),
    "photo_corrupt": (
        "This image is damaged or incomplete and cannot be read.",
        "Cette image est endommagée ou incomplète et ne peut pas être lue.",
    ),
    "photo_limit_reached": (
        "A product can have at most 24 photos.",
        "Un produit peut avoir au plus 24 photos.",
    ),
    "photo_not_found": (
        "This photo no longer exists. The gallery has been refreshed.",
        "Cette photo n'existe plus. La galerie a été actualisée.",
    ),
}

ERROR_CODES: tuple[str, ...] = (
    "photo_too_large",
    "photo_not_an_image",
    "photo_type_not_allowed",
    "photo_too_many_pixels",
    "photo_corrupt",
    "photo_limit_reached",
    "photo_not_found",
)
