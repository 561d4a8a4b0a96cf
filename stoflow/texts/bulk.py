"""Texts of bulk actions, the Trash purge and the CSV import/export (key: (English, French))."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- bulk actions (the products page's menu and the job's summary) ---
    "bulk.kind.status": ("Change status", "Changer le statut"),
    "bulk.kind.trash": ("Move to Trash", "Mettre à la corbeille"),
    "bulk.kind.restore": ("Restore", "Restaurer"),
    "bulk.kind.price_amount": ("Change price by an amount", "Changer le prix d'un montant"),
    "bulk.kind.price_percent": ("Change price by a percentage", "Changer le prix d'un pourcentage"),
    "bulk.kind.category": ("Set category", "Définir la catégorie"),
    "bulk.kind.brand": ("Set brand", "Définir la marque"),
    "bulk.select_all_matching": ("Select all matching products", "Sélectionner tous les produits correspondants"),
    "bulk.started": (
        "Running in the background: follow its progress here or on the dashboard.",
        "En cours en arrière-plan : suivez la progression ici ou sur le tableau de bord.",
    ),
    "bulk.progress": ("Processed", "Traités"),
    "bulk.changed": ("Changed", "Modifiés"),
    "bulk.refused": ("Refused", "Refusés"),
    "bulk.done": ("Bulk change finished", "Modification groupée terminée"),
    "bulk.failed": ("The bulk change stopped", "La modification groupée s'est arrêtée"),
    # --- error codes of bulk actions ---
    "bulk_action_unknown": ("This bulk action does not exist.", "Cette action groupée n'existe pas."),
    "bulk_nothing_selected": ("Select at least one product.", "Sélectionnez au moins un produit."),
    "bulk_too_many": (
        "Too many products at once (50,000 at most).",
        "Trop de produits à la fois (50 000 au plus).",
    ),
    "bulk_percent_out_of_range": (
        "Choose a percentage between -90 and +500.",
        "Choisissez un pourcentage entre -90 et +500.",
    ),
    "bulk_value_required": ("Enter a value.", "Saisissez une valeur."),
    "brand_too_long": ("The brand is too long (120 characters at most).", "La marque est trop longue (120 au plus)."),
    "queue_unavailable": (
        "Background work is unavailable right now. Try again in a moment.",
        "Le traitement en arrière-plan est indisponible pour le moment. Réessayez dans un instant.",
    ),
    "bulk_interrupted": (
        "The bulk change stopped before the end. What was done is kept.",
        "La modification groupée s'est arrêtée avant la fin. Ce qui a été fait est conservé.",
    ),
    # --- CSV import ---
    "import.title": ("Import products", "Importer des produits"),
    "import.intro": (
        "Upload a CSV file with the same columns as the export. Check the preview, then import.",
        "Envoyez un fichier CSV avec les mêmes colonnes que l'export. Vérifiez l'aperçu, puis importez.",
    ),
    "import.back": ("Back to products", "Retour aux produits"),
    "import.export": ("Export my products (CSV)", "Exporter mes produits (CSV)"),
    "import.export_failed": ("The export could not be downloaded.", "L'export n'a pas pu être téléchargé."),
    "import.drop": (
        "Drop a CSV file here, or click to choose one (5 MB, 5,000 rows at most).",
        "Déposez un fichier CSV ici, ou cliquez pour le choisir (5 Mo, 5 000 lignes au plus).",
    ),
    "import.preview": ("Preview", "Aperçu"),
    "import.rows": ("Rows", "Lignes"),
    "import.valid": ("Valid", "Valides"),
    "import.invalid": ("With errors", "Avec erreurs"),
    "import.line": ("Line", "Ligne"),
    "import.errors": ("Errors", "Erreurs"),
    "import.ok": ("No error", "Sans erreur"),
    "import.first_rows": ("The first 50 rows are shown.", "Les 50 premières lignes sont affichées."),
    "import.ignored_columns": ("Columns ignored", "Colonnes ignorées"),
    "import.photo_urls_note": (
        "Photo links were found: they are noted but not downloaded. Add the photos in the editor.",
        "Des liens de photos ont été trouvés : ils sont notés mais pas téléchargés. Ajoutez les photos dans l'éditeur.",
    ),
    "import.import_all": ("Import", "Importer"),
    "import.import_valid": ("Import the valid rows only", "Importer uniquement les lignes valides"),
    "import.fix_first": (
        "Fix the rows with errors, or import the valid rows only.",
        "Corrigez les lignes en erreur, ou importez uniquement les lignes valides.",
    ),
    "import.done": ("Products imported", "Produits importés"),
    "import.skipped": ("rows skipped", "lignes ignorées"),
    "import.unpublished": (
        "published rows were imported as drafts (photos are needed to publish)",
        "lignes publiées importées en brouillon (des photos sont nécessaires pour publier)",
    ),
    "import.clear": ("Choose another file", "Choisir un autre fichier"),
    # --- error codes of the CSV import ---
    "csv_too_large": ("The file is larger than 5 MB.", "Le fichier dépasse 5 Mo."),
    "csv_too_many_rows": ("The file has more than 5,000 rows.", "Le fichier a plus de 5 000 lignes."),
    "csv_not_utf8": (
        'The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.',
        "Le fichier n'est pas un texte UTF-8. Enregistrez-le en « CSV UTF-8 » et réessayez.",
    ),
    "csv_empty": ("The file has no rows.", "Le fichier ne contient aucune ligne."),
    "csv_unreadable": ("The file is not a readable CSV file.", "Le fichier n'est pas un CSV lisible."),
    "csv_no_title_column": (
        'The file needs at least a "title" column (see the export for every column).',
        "Le fichier doit au moins avoir une colonne « title » (voir l'export pour toutes les colonnes).",
    ),
    "csv_not_a_file": ("Choose a CSV file.", "Choisissez un fichier CSV."),
    "import_has_errors": (
        "Some rows have errors: nothing was imported.",
        "Certaines lignes ont des erreurs : rien n'a été importé.",
    ),
    "json_invalid": ("This cell must be a JSON list or object.", "Cette cellule doit être une liste ou un objet JSON."),
    "status_unknown": ("Unknown status.", "Statut inconnu."),
}

ERROR_CODES: tuple[str, ...] = (
    "bulk_action_unknown",
    "bulk_nothing_selected",
    "bulk_too_many",
    "bulk_percent_out_of_range",
    "bulk_value_required",
    "brand_too_long",
    "queue_unavailable",
    "bulk_interrupted",
    "csv_too_large",
    "csv_too_many_rows",
    "csv_not_utf8",
    "csv_empty",
    "csv_unreadable",
    "csv_no_title_column",
    "csv_not_a_file",
    "import_has_errors",
    "json_invalid",
    "status_unknown",
)
