from governance.models import Body


def test_body_factory_takes_rules_from_its_kind(council):
    assert council.notice_days == 5
    assert council.is_public is True
    assert Body.objects.get(pk=council.pk).proxies_allowed is True


def test_secretariat_fixture_has_totp(secretariat):
    from governance import perms

    assert perms.has_totp(secretariat)
