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
    "import.photos_help": (
        'Photos: a "photos" column with links, or names of files in a ZIP you add with the CSV, '
        'separated by "|". They are added after the import, with the same checks as in the editor.',
        "Photos : une colonne « photos » avec des liens, ou les noms de fichiers d'un ZIP envoyé avec le CSV, "
        "séparés par « | ». Elles sont ajoutées après l'import, avec les mêmes contrôles que dans l'éditeur.",
    ),
    "import.back": ("Back to products", "Retour aux produits"),
    "import.export": ("Export my products (CSV)", "Exporter mes produits (CSV)"),
    "import.export_failed": ("The export could not be downloaded.", "L'export n'a pas pu être téléchargé."),
    "import.drop": (
        "Drop a CSV file here, with its ZIP of photos if you have one, or click to choose "
        "(CSV: 5 MB and 5,000 rows at most; ZIP: 500 MB).",
        "Déposez un fichier CSV ici, avec son ZIP de photos s'il y en a un, ou cliquez pour choisir "
        "(CSV : 5 Mo et 5 000 lignes au plus ; ZIP : 500 Mo).",
    ),
    "import.add_zip": (
        "Add the ZIP of photos (drop it here or click)",
        "Ajouter le ZIP des photos (déposez-le ici ou cliquez)",
    ),
    "import.zip": ("Photos ZIP", "ZIP des photos"),
    "import.photos": ("Photos to add", "Photos à ajouter"),
    "import.photo_links": ("links", "liens"),
    "import.photo_files": ("from the ZIP", "du ZIP"),
    "import.photos_started": (
        "Adding the photos: you can leave this page, the products are already imported.",
        "Ajout des photos : vous pouvez quitter cette page, les produits sont déjà importés.",
    ),
    "import.photos_progress": ("Photos", "Photos"),
    "import.photos_added": ("Photos added", "Photos ajoutées"),
    "import.photos_failed": ("Photos not added", "Photos non ajoutées"),
    "import.photos_interrupted": (
        "Adding the photos stopped before the end. The photos already added are kept.",
        "L'ajout des photos s'est arrêté avant la fin. Les photos déjà ajoutées sont conservées.",
    ),
    "import.photo_col": ("Photo", "Photo"),
    "import.reason": ("Reason", "Raison"),
    "import.preview": ("Preview", "Aperçu"),
    "import.rows": ("Rows", "Lignes"),
    "import.valid": ("Valid", "Valides"),
    "import.invalid": ("With errors", "Avec erreurs"),
    "import.line": ("Line", "Ligne"),
    "import.errors": ("Errors", "Erreurs"),
    "import.ok": ("No error", "Sans erreur"),
    "import.first_rows": ("The first 50 rows are shown.", "Les 50 premières lignes sont affichées."),
    "import.ignored_columns": ("Columns ignored", "Colonnes ignorées"),
    "import.import_all": ("Import", "Importer"),
    "import.import_valid": ("Import the valid rows only", "Importer uniquement les lignes valides"),
    "import.fix_first": (
        "Fix the rows with errors, or import the valid rows only.",
        "Corrigez les lignes en erreur, ou importez uniquement les lignes valides.",
    ),
    "import.done": ("Products imported", "Produits importés"),
    "import.skipped": ("rows skipped", "lignes ignorées"),
    "import.unpublished": (
        "published rows were imported as drafts (publish them once their photos are in)",
        "lignes publiées importées en brouillon (publiez-les une fois leurs photos ajoutées)",
    ),
    "import.clear": ("Choose another file", "Choisir un autre fichier"),
    # --- error codes of the CSV import ---
    "csv_too_large": ("The file is larger than 5 MB.", "Le fichier dépasse 5 Mo."),
    "csv_too_many_rows": ("The file has more than 5,000 rows.", "Le fichier a plus de 5 000 lignes."),
    "csv_too_many_photos": (
        "The file names more than 20,000 photos: split it into several imports.",
        "Le fichier nomme plus de 20 000 photos : répartissez-le en plusieurs imports.",
    ),
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
    # --- photos of an import ---
    "photo_link_invalid": (
        "Not a usable photo link (http or https, no password in it).",
        "Lien de photo inutilisable (http ou https, sans mot de passe).",
    ),
    "photo_link_private": (
        "This photo link points to a private or local address.",
        "Ce lien de photo pointe vers une adresse privée ou locale.",
    ),
    "photo_link_unreachable": (
        "The photo link could not be reached in time.",
        "Le lien de photo n'a pas pu être joint à temps.",
    ),
    "photo_link_status": (
        "The photo link did not answer with a photo (error or too many redirects).",
        "Le lien de photo n'a pas renvoyé de photo (erreur ou trop de redirections).",
    ),
    "photo_link_too_large": ("The photo behind this link is larger than 20 MB.", "La photo de ce lien dépasse 20 Mo."),
    "photo_zip_missing": (
        "This row names photo files: add the ZIP that holds them.",
        "Cette ligne nomme des fichiers photo : ajoutez le ZIP qui les contient.",
    ),
    "photo_not_in_zip": (
        "A photo this row names is not in the ZIP.",
        "Une photo nommée par cette ligne n'est pas dans le ZIP.",
    ),
    "zip_too_large": (
        "The ZIP is larger than 500 MB (or 2 GB unpacked).",
        "Le ZIP dépasse 500 Mo (ou 2 Go décompressé).",
    ),
    "zip_unreadable": ("The ZIP file cannot be read.", "Le fichier ZIP est illisible."),
    "zip_too_many_files": ("The ZIP holds more than 10,000 files.", "Le ZIP contient plus de 10 000 fichiers."),
    "zip_encrypted": ("The ZIP is password-protected.", "Le ZIP est protégé par un mot de passe."),
    "zip_bomb": (
        "The ZIP holds a file compressed beyond any photo: refused.",
        "Le ZIP contient un fichier compressé au-delà de toute photo : refusé.",
    ),
    "zip_no_csv": (
        "The ZIP holds no single CSV file: add the CSV of the products too.",
        "Le ZIP ne contient pas un seul fichier CSV : ajoutez aussi le CSV des produits.",
    ),
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
    "csv_too_many_photos",
    "csv_not_utf8",
    "csv_empty",
    "csv_unreadable",
    "csv_no_title_column",
    "csv_not_a_file",
    "import_has_errors",
    "json_invalid",
    "status_unknown",
    "photo_link_invalid",
    "photo_link_private",
    "photo_link_unreachable",
    "photo_link_status",
    "photo_link_too_large",
    "photo_zip_missing",
    "photo_not_in_zip",
    "zip_too_large",
    "zip_unreadable",
    "zip_too_many_files",
    "zip_encrypted",
    "zip_bomb",
    "zip_no_csv",
)
