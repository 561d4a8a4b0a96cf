"""Texts of the admin users feature (see stoflow.texts)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.users": ("Users", "Utilisateurs"),
    "users.title": ("Users", "Utilisateurs"),
    "users.intro": (
        "Every account: find it, verify it, lock it, change its role. Each change is written to the audit log.",
        "Tous les comptes : retrouvez-les, vérifiez-les, verrouillez-les, changez leur rôle. "
        "Chaque modification est inscrite au journal d'audit.",
    ),
    # filters
    "users.search": ("Search by e-mail or name", "Rechercher par e-mail ou nom"),
    "users.search_button": ("Search", "Rechercher"),
    "users.all_roles": ("All roles", "Tous les rôles"),
    "users.all_statuses": ("All statuses", "Tous les statuts"),
    "users.status.active": ("Active", "Actif"),
    "users.status.unverified": ("Unverified", "Non vérifié"),
    "users.status.locked": ("Locked", "Verrouillé"),
    "users.status.deactivated": ("Deactivated", "Désactivé"),
    "users.status.verified": ("Verified", "Vérifié"),
    # table
    "users.col.email": ("E-mail", "E-mail"),
    "users.col.name": ("Name", "Nom"),
    "users.col.role": ("Role", "Rôle"),
    "users.col.status": ("Status", "Statut"),
    "users.col.created": ("Created", "Créé le"),
    "users.col.last_sign_in": ("Last sign-in", "Dernière connexion"),
    "users.never": ("Never", "Jamais"),
    "users.actions_label": ("Account actions", "Actions sur le compte"),
    "users.empty_title": ("No user matches", "Aucun utilisateur ne correspond"),
    "users.empty": (
        "Change or clear the search and the filters to see more accounts.",
        "Modifiez ou effacez la recherche et les filtres pour voir plus de comptes.",
    ),
    "users.count": ("Accounts", "Comptes"),
    # actions menu
    "users.action.verify": ("Mark e-mail verified", "Marquer l'e-mail comme vérifié"),
    "users.action.lock": ("Lock", "Verrouiller"),
    "users.action.unlock": ("Unlock", "Déverrouiller"),
    "users.action.role": ("Change role", "Changer le rôle"),
    "users.action.deactivate": ("Deactivate", "Désactiver"),
    "users.action.reactivate": ("Reactivate", "Réactiver"),
    # role dialog
    "users.role_help": ("New role for", "Nouveau rôle pour"),
    "users.save": ("Save", "Enregistrer"),
    "users.cancel": ("Cancel", "Annuler"),
    # confirmations
    "users.confirm.lock_title": ("Lock this account?", "Verrouiller ce compte ?"),
    "users.confirm.lock": (
        "It is signed out everywhere and cannot sign in until someone unlocks it.",
        "Il est déconnecté partout et ne peut plus se connecter tant que personne ne le déverrouille.",
    ),
    "users.confirm.deactivate_title": ("Deactivate this account?", "Désactiver ce compte ?"),
    "users.confirm.deactivate": (
        "It is signed out everywhere and cannot sign in until it is reactivated. Its data is kept.",
        "Il est déconnecté partout et ne peut plus se connecter tant qu'il n'est pas réactivé. "
        "Ses données sont conservées.",
    ),
    "users.confirm.role_title": ("Remove the admin rights?", "Retirer les droits d'administration ?"),
    "users.confirm.role": (
        "This account will no longer be able to manage users and the platform.",
        "Ce compte ne pourra plus gérer les utilisateurs ni la plateforme.",
    ),
    # results
    "users.done.verify": ("E-mail address marked verified.", "Adresse e-mail marquée comme vérifiée."),
    "users.done.lock": ("Account locked and signed out everywhere.", "Compte verrouillé et déconnecté partout."),
    "users.done.unlock": ("Account unlocked.", "Compte déverrouillé."),
    "users.done.role": ("Role changed.", "Rôle modifié."),
    "users.done.deactivate": (
        "Account deactivated and signed out everywhere.",
        "Compte désactivé et déconnecté partout.",
    ),
    "users.done.reactivate": ("Account reactivated.", "Compte réactivé."),
    "users.unchanged": ("Nothing to change: it was already done.", "Rien à changer : c'était déjà fait."),
    # error codes (stoflow.admin.users.UserAdminError)
    "cannot_change_self": (
        "You cannot demote, lock or deactivate your own account.",
        "Vous ne pouvez pas rétrograder, verrouiller ni désactiver votre propre compte.",
    ),
    "last_admin": (
        "This is the last active administrator: make someone else admin first.",
        "C'est le dernier administrateur actif : nommez d'abord un autre administrateur.",
    ),
    "user_not_found": ("This account no longer exists.", "Ce compte n'existe plus."),
    "role_invalid": ("Choose admin, support or seller.", "Choisissez administrateur, support ou vendeur."),
}

ERROR_CODES: tuple[str, ...] = ("cannot_change_self", "last_admin", "user_not_found", "role_invalid")
