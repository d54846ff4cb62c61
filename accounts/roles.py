"""The three roles, as Django groups, and the permissions each one carries.

A data migration creates the groups; ``sync_role_permissions`` runs after every
``migrate`` so that models added later (triage, moderation) grant their permissions
too. The sync is exact: a role group holds what is listed here and nothing else, so a
grant removed from this list is revoked from every existing database at the next
``migrate``, and a permission added to a role group by hand does not survive it (give
extra rights to a person, or to a group of its own, never to a role).

Least privilege, checked against what each role's screens use:
- fan: signs up and posts on the forum; no admin, no API. The grants describe the role
  (the forum checks sign-in, verification and suspension, not these permissions).
- community manager (staff): moderation, the catalog, the triage console and webhooks
  in the admin. ``accounts.change_user`` is for suspending and deactivating fans and
  correcting a display name; accounts.admin limits it to exactly that.
- engineer (not staff): the API feed only, reading clusters and writing their status.
"""

from django.contrib.auth.management import create_permissions

FAN = "fan"
COMMUNITY_MANAGER = "community manager"
ENGINEER = "engineer"

# (app_label, codename); a permission whose model does not exist yet is skipped.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    FAN: [
        ("forum", "add_thread"),
        ("forum", "add_post"),
        ("forum", "add_metoo"),
        ("forum", "add_follow"),
        ("forum", "add_flag"),
    ],
    COMMUNITY_MANAGER: [
        ("accounts", "view_user"),
        ("accounts", "change_user"),
        ("forum", "view_product"),
        ("forum", "add_product"),
        ("forum", "change_product"),
        ("forum", "view_thread"),
        ("forum", "change_thread"),
        ("forum", "view_post"),
        ("forum", "change_post"),
        ("forum", "view_flag"),
        ("forum", "change_flag"),
        ("forum", "view_moderationaction"),
        ("forum", "view_screenshot"),
        ("triage", "view_cluster"),
        ("triage", "change_cluster"),
        ("triage", "view_alert"),
        ("triage", "change_alert"),
        ("triage", "view_forward"),
        ("triage", "add_forward"),
        ("triage", "view_triageevent"),
        ("triage", "view_webhook"),
        ("triage", "add_webhook"),
        ("triage", "change_webhook"),
        ("triage", "delete_webhook"),
        ("triage", "view_webhookdelivery"),
        ("triage", "change_webhookdelivery"),
        ("triage", "view_replytemplate"),
        ("triage", "add_replytemplate"),
        ("triage", "change_replytemplate"),
        ("triage", "view_mergerecord"),
        ("triage", "add_mergerecord"),
        ("triage", "change_mergerecord"),
        ("triage", "change_threadtriage"),
    ],
    ENGINEER: [
        ("forum", "view_product"),
        ("triage", "view_cluster"),
        ("triage", "change_cluster"),
    ],
}


def sync_role_permissions(sender=None, apps=None, using="default", **kwargs) -> None:
    """Create the role groups if missing and give each exactly its permissions."""
    from django.apps import apps as global_apps

    if apps is None:
        apps = global_apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    for app_config in global_apps.get_app_configs():
        # In a migration, permissions of models created earlier in the same run do
        # not exist yet (they are made on post_migrate); make them now.
        create_permissions(app_config, verbosity=0, apps=apps, using=using)
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = Permission.objects.using(using).none()
        for app_label, codename in grants:
            wanted |= Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.set(wanted)
