# ruff: noqa: E501 - the expectation table reads best one URL per line
"""Every URL of the portal × every persona → the expected status.

The URLs come from the resolver (get_resolver().url_patterns, walked recursively), filled with
objects of a small world (tests/security/world.py). A URL pattern without a row in EXPECT fails
the test with its name: a new page cannot ship without its access rule. The pages the portal
takes from its frameworks (Django's admin, allauth's login and second-factor pages) have their
own table, FRAMEWORK_EXPECT, checked the same way (tests/security/framework_urls.py): the admin
opens only to a superuser whose login used the second factor.

Reading a row: one code per persona, in the order of the header below.
    200/403/404/405  that exact status
    login            302 to the login page (anonymous)
    admin            302 to the admin's login, which sends to the portal's login or refuses
    3xx              any redirect (e.g. a page that sends to another one)
    2xx              any success (e.g. a file download)
    2xx/3xx          either (a GET that serves a file, or queues its build and redirects)
Scope rule (STYLE.md): outside one's scope 404, inside it without the right 403.
GET only: a POST-only view answers 405 to a GET (anonymous users are sent to log in first).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.framework_urls import framework_objects, framework_patterns, framework_url
from tests.security.world import PERSONAS, build_world

pytestmark = pytest.mark.django_db

# URL prefixes of the frameworks' pages: checked by their own table, FRAMEWORK_EXPECT.
EXCLUDED = {
    "admin/": "l'admin Django : dans FRAMEWORK_EXPECT, superutilisateurs avec second facteur",
    "comptes/": "les pages d'allauth (connexion, MFA, mot de passe) : dans FRAMEWORK_EXPECT",
}


@dataclass(frozen=True)
class Lit:
    """A literal URL argument (not an object of the world)."""

    value: object


# How to fill each URL's path converters: "name" is world.name.pk, "name.attr" an attribute.
ARGS = {
    "conferences:session_detail": {"pk": "session"},
    "conferences:session_edit": {"pk": "session"},
    "conferences:session_agenda": {"pk": "session"},
    "conferences:session_convene": {"pk": "session"},
    "conferences:session_cancel": {"pk": "session"},
    "conferences:session_postpone": {"pk": "session"},
    "conferences:session_recipients": {"pk": "session"},
    "conferences:session_reply": {"pk": "session"},
    "conferences:session_attendance": {"pk": "session"},
    "conferences:session_second_convocation": {"pk": "session"},
    "conferences:item_edit": {"pk": "item"},
    "conferences:item_move": {"pk": "item"},
    "conferences:item_remove": {"pk": "item"},
    "conferences:item_upload": {"pk": "item"},
    "conferences:item_vote": {"pk": "item"},
    "conferences:document_download": {"pk": "document"},
    "conferences:convocation_open": {"token": "convocation.token"},
    "conferences:feed_public": {"body_pk": "council"},
    "conferences:feed_private": {"token": "feed.token"},
    "conferences:mayors_request_detail": {"pk": "mayors_request"},
    "conferences:minutes_edit": {"pk": "held"},
    "conferences:minutes_action": {"pk": "held"},
    "conferences:minutes_correction": {"pk": "held"},
    "conferences:minutes_versions": {"pk": "held"},
    "conferences:session_pdf": {"pk": "session", "kind": Lit("convocation")},
    "conferences:public_body": {"pk": "council"},
    "conferences:publication_download": {"pk": "publication", "filename": "publication.filename"},
    "mutualisation:convention_detail": {"pk": "convention"},
    "mutualisation:convention_pdf": {"pk": "convention"},
    "mutualisation:request_create": {"offer_pk": "legal_offer"},
    "mutualisation:request_detail": {"pk": "service_request"},
    "mutualisation:attachment_download": {
        "pk": "service_request",
        "attachment_pk": "request_attachment",
    },
    "mutualisation:request_action": {"pk": "service_request", "action": Lit("accept")},
    "mutualisation:booking_detail": {"pk": "booking"},
    "mutualisation:booking_cancel": {"pk": "booking"},
    "mutualisation:booking_return": {"pk": "booking"},
    "mutualisation:mission_cancel": {"pk": "mission"},
    "mutualisation:training_reserve": {"pk": "training_session"},
    "mutualisation:seat_cancel": {"pk": "seat"},
    "mutualisation:setup_offer_edit": {"pk": "legal_offer"},
    "mutualisation:setup_equipment_edit": {"pk": "equipment_item"},
    "mutualisation:setup_staff_edit": {"pk": "staff_member"},
    "mutualisation:setup_training_edit": {"pk": "training_session"},
    "mutualisation:statistics_export": {"fmt": Lit("csv")},
    "mutualisation:survey_detail": {"pk": "survey"},
    "mutualisation:survey_answer": {"pk": "survey"},
    "mutualisation:survey_answer_file": {"pk": "survey", "question_pk": "survey_file_question"},
    "mutualisation:progress_report_pdf": {"year": "report.year"},
    "referrals:referral_detail": {"pk": "referral"},
    "referrals:referral_send": {"pk": "referral"},
    "referrals:referral_close": {"pk": "referral"},
    "referrals:document_add": {"pk": "referral"},
    "referrals:document_download": {"pk": "referral", "document_pk": "referral_document"},
    "referrals:synthesis_download": {"pk": "referral"},
    "referrals:questionnaire_edit": {"pk": "collection"},
    "referrals:question_remove": {"pk": "collection", "question_pk": "question"},
    "referrals:answers_export": {"pk": "collection", "fmt": Lit("csv")},
    "referrals:opinion_detail": {"pk": "referral", "insee_code": "commune.insee_code"},
    "referrals:receipt_record": {"pk": "referral", "insee_code": "commune.insee_code"},
    "referrals:late_deliberation_record": {"pk": "referral", "insee_code": "commune.insee_code"},
    "referrals:deliberation_download": {"pk": "referral", "insee_code": "commune.insee_code"},
    "referrals:answer_file_download": {
        "pk": "collection",
        "insee_code": "commune.insee_code",
        "question_pk": "file_question",
    },
    "referrals:thread_detail": {"pk": "thread"},
    "referrals:thread_assign": {"pk": "thread"},
    "referrals:thread_close": {"pk": "thread"},
    "referrals:attachment_download": {"pk": "mailbox_attachment"},
    "governance:commune_detail": {"insee_code": "commune.insee_code"},
    "governance:body_detail": {"pk": "group"},
    "governance:council_seats": {"pk": "council"},
    "governance:council_order_download": {"pk": "council", "order_pk": "council_order"},
    "governance:person_detail": {"pk": "member_person"},
    "governance:import_detail": {"pk": "import_run"},
}

# fmt: off
EXPECT = {
    #                                      anon    member  nonmem  dgs     odgs    agent   secr    super   outsid  out_elu out_dgs
    "conferences:session_manage_list":                 "login   403     403     403     403     403     200     200     200     403     403",
    "conferences:session_create":                      "login   403     403     403     403     403     200     403     200     403     403",
    "conferences:session_detail":                      "login   200     404     404     404     200     200     200     404     404     404",
    "conferences:session_edit":                        "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:session_agenda":                      "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:session_convene":                     "login   405     405     405     405     405     405     405     405     405     405",
    "conferences:session_cancel":                      "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:session_postpone":                    "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:session_recipients":                  "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:item_edit":                           "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:item_move":                           "login   405     405     405     405     405     405     405     405     405     405",
    "conferences:item_remove":                         "login   405     405     405     405     405     405     405     405     405     405",
    "conferences:item_upload":                         "login   405     405     405     405     405     405     405     405     405     405",
    "conferences:document_download":                   "login   200     404     404     404     200     200     200     404     404     404",
    "conferences:convocation_open":                    "200     200     200     200     200     200     200     200     200     200     200",
    "conferences:session_reply":                       "login   200     404     404     404     403     403     403     404     404     404",
    "conferences:session_attendance":                  "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:item_vote":                           "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:session_second_convocation":          "login   403     404     404     404     403     200     200     404     404     404",
    "conferences:my_sessions":                         "login   200     200     200     200     200     200     200     200     200     200",
    "conferences:session_calendar":                    "login   200     200     200     200     200     200     200     200     200     200",
    "conferences:public_calendar":                     "200     200     200     200     200     200     200     200     200     200     200",
    "conferences:feed_settings":                       "login   200     200     200     200     200     200     200     200     200     200",
    "conferences:feed_public":                         "200     200     200     200     200     200     200     200     200     200     200",
    "conferences:feed_private":                        "200     200     200     200     200     200     200     200     200     200     200",
    "conferences:mayors_request_list":                 "login   403     403     403     403     200     200     200     200     403     403",
    "conferences:mayors_request_detail":               "login   403     403     403     403     200     200     200     404     404     404",
    "conferences:minutes_edit":                        "login   403     403     403     403     403     200     200     404     404     404",
    "conferences:minutes_action":                      "login   405     405     405     405     405     405     405     405     405     405",
    "conferences:minutes_correction":                  "login   403     403     403     403     403     3xx     3xx     404     404     404",
    "conferences:minutes_versions":                    "login   403     403     403     403     403     200     200     404     404     404",
    "conferences:publication_dashboard":               "login   403     403     403     403     403     200     200     200     403     403",
    "conferences:session_pdf":                         "login   200     404     404     404     200     200     200     404     404     404",
    "conferences:public_body":                         "200     200     200     200     200     200     200     200     200     200     200",
    "conferences:publication_download":                "200     200     200     200     200     200     200     200     200     200     200",
    "conferences:publications_feed":                   "200     200     200     200     200     200     200     200     200     200     200",
    "conferences:publications_rss":                    "200     200     200     200     200     200     200     200     200     200     200",
    "mutualisation:catalogue":             "login   200     200     200     200     200     200     200     200     200     200",
    "mutualisation:convention_list":       "login   403     403     200     200     200     200     200     200     403     200",
    "mutualisation:convention_create":     "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:convention_detail":     "login   404     404     200     404     200     200     200     404     404     404",
    "mutualisation:convention_pdf":        "login   404     404     200     404     200     200     200     404     404     404",
    "mutualisation:request_list":          "login   403     403     200     200     200     200     200     200     403     200",
    "mutualisation:request_create":        "login   403     403     200     200     403     403     403     404     404     404",
    "mutualisation:request_detail":        "login   404     404     200     404     200     200     200     404     404     404",
    "mutualisation:attachment_download":   "login   404     404     200     404     200     200     200     404     404     404",
    "mutualisation:request_action":        "login   405     405     405     405     405     405     405     405     405     405",
    "mutualisation:dashboard":             "login   403     403     403     403     200     200     200     200     403     403",
    "mutualisation:calendar":              "login   403     403     200     200     200     200     200     200     403     200",
    "mutualisation:booking_create":        "login   403     403     200     200     403     403     403     403     403     200",
    "mutualisation:booking_list":          "login   403     403     200     200     200     200     200     200     403     200",
    "mutualisation:booking_detail":        "login   404     404     200     404     200     200     200     404     404     404",
    "mutualisation:booking_cancel":        "login   405     405     405     405     405     405     405     405     405     405",
    "mutualisation:booking_return":        "login   405     405     405     405     405     405     405     405     405     405",
    "mutualisation:mission_list":          "login   403     403     200     200     200     200     200     200     403     200",
    "mutualisation:mission_create":        "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:mission_cancel":        "login   405     405     405     405     405     405     405     405     405     405",
    "mutualisation:training_list":         "login   403     403     200     200     200     200     200     200     403     200",
    "mutualisation:training_reserve":      "login   405     405     405     405     405     405     405     405     405     405",
    "mutualisation:seat_cancel":           "login   405     405     405     405     405     405     405     405     405     405",
    "mutualisation:setup":                 "login   403     403     403     403     403     200     200     200     403     403",
    "mutualisation:setup_offer_create":    "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:setup_offer_edit":      "login   403     403     403     403     403     200     200     404     404     404",
    "mutualisation:setup_equipment_create": "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:setup_equipment_edit":  "login   403     403     403     403     403     200     200     404     404     404",
    "mutualisation:setup_staff_create":    "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:setup_staff_edit":      "login   403     403     403     403     403     200     200     404     404     404",
    "mutualisation:setup_training_create": "login   403     403     403     403     403     200     403     200     403     403",
    "mutualisation:setup_training_edit":   "login   403     403     403     403     403     200     200     404     404     404",
    "mutualisation:statistics":            "login   403     403     403     403     200     200     200     200     403     403",
    "mutualisation:statistics_export":     "login   403     403     403     403     200     200     200     200     403     403",
    "mutualisation:survey_list":           "login   403     403     200     200     200     200     200     200     403     200",
    "mutualisation:survey_detail":         "login   403     403     403     403     200     200     200     404     404     404",
    "mutualisation:survey_answer":         "login   403     403     200     200     403     403     403     404     404     404",
    "mutualisation:survey_answer_file":    "login   403     403     200     404     403     403     403     404     404     404",
    "mutualisation:schema":                "login   403     403     403     403     200     200     200     200     403     403",
    "mutualisation:progress_report_pdf":   "login   403     403     403     403     200     200     404     404     403     403",
    "referrals:referral_list":             "login   200     200     200     200     200     200     200     200     200     200",
    "referrals:referral_create":           "login   403     403     403     403     403     200     403     200     403     403",
    "referrals:referral_detail":           "login   404     404     200     200     200     200     200     404     404     404",
    "referrals:referral_send":             "login   405     405     405     405     405     405     405     405     405     405",
    "referrals:referral_close":            "login   405     405     405     405     405     405     405     405     405     405",
    "referrals:document_add":              "login   404     404     403     403     403     200     200     404     404     404",
    "referrals:document_download":         "login   404     404     200     200     200     200     200     404     404     404",
    "referrals:synthesis_download":        "login   404     404     403     403     2xx/3xx 2xx/3xx 2xx/3xx 404     404     404",
    "referrals:questionnaire_edit":        "login   404     404     403     404     403     200     200     404     404     404",
    "referrals:question_remove":           "login   405     405     405     405     405     405     405     405     405     405",
    "referrals:answers_export":            "login   404     404     403     404     403     200     200     404     404     404",
    "referrals:opinion_detail":            "login   404     404     200     404     200     200     200     404     404     404",
    "referrals:receipt_record":            "login   405     405     405     405     405     405     405     405     405     405",
    "referrals:late_deliberation_record":  "login   404     404     403     404     403     200     200     404     404     404",
    "referrals:deliberation_download":     "login   404     404     200     404     200     200     200     404     404     404",
    "referrals:answer_file_download":      "login   404     404     200     404     200     200     200     404     404     404",
    "referrals:thread_list":               "login   200     200     200     200     200     200     200     200     200     200",
    "referrals:thread_create":             "login   200     200     403     403     403     403     403     403     200     403",
    "referrals:thread_detail":             "login   200     404     404     404     200     200     200     404     404     404",
    "referrals:thread_assign":             "login   405     405     405     405     405     405     405     405     405     405",
    "referrals:thread_close":              "login   405     405     405     405     405     405     405     405     405     405",
    "referrals:attachment_download":       "login   200     404     404     404     200     200     200     404     404     404",
    "portal:home":                         "200     200     200     200     200     200     200     200     200     200     200",
    "governance:commune_list":             "login   200     200     200     200     200     200     200     200     200     200",
    "governance:commune_detail":           "login   200     200     200     200     200     200     200     404     404     404",
    "governance:body_list":                "login   200     200     200     200     200     200     200     200     200     200",
    "governance:body_detail":              "login   200     404     404     404     200     200     200     404     404     404",
    "governance:council_seats":            "login   403     403     403     403     403     200     200     404     404     404",
    "governance:council_order_download":   "login   403     403     403     403     403     2xx     2xx     404     404     404",
    "governance:person_detail":            "login   200     200     200     200     200     200     200     404     404     404",
    "governance:invite_user":              "login   403     403     403     403     403     200     403     200     403     403",
    "governance:import_list":              "login   403     403     403     403     403     200     403     200     403     403",
    "governance:import_detail":            "login   403     403     403     403     403     200     200     404     404     404",
    "governance:audit_log":                "login   403     403     403     403     403     200     200     200     403     403",
    "governance:audit_export":             "login   403     403     403     403     403     200     200     200     403     403",
    "governance:epci_install":             "login   403     403     403     403     403     403     200     403     403     403",
}

# The frameworks' pages. The admin: a superuser whose session used the second factor (the
# personas log in as the portal's login leaves them, see tests/clients.py); everyone else is
# sent to the admin's login, which refuses a signed-in non-staff account (403) and sends
# anonymous visitors to the portal's login (TOTP step, rate limits).
FRAMEWORK_EXPECT = {
    "admin:index":                                         "admin   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:login":                                         "login   403     403     403     403     403     403     3xx     403     403     403",
    "admin:logout":                                        "admin   3xx     3xx     3xx     3xx     3xx     3xx     405     3xx     3xx     3xx",
    "admin:password_change":                               "admin   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:password_change_done":                          "admin   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:autocomplete":                                  "admin   admin   admin   admin   admin   admin   admin   403     admin   admin   admin",
    "admin:jsi18n":                                        "admin   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:view_on_site":                                  "admin   admin   admin   admin   admin   admin   admin   404     admin   admin   admin",
    "admin:auth_group_changelist":                         "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:auth_group_add":                                "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:auth_group_history":                            "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:auth_group_delete":                             "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:auth_group_change":                             "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin/auth/group/<path:object_id>/":                  "login   admin   admin   admin   admin   admin   admin   3xx     admin   admin   admin",
    "admin:account_emailaddress_changelist":               "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:account_emailaddress_add":                      "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:account_emailaddress_history":                  "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:account_emailaddress_delete":                   "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:account_emailaddress_change":                   "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin/account/emailaddress/<path:object_id>/":        "login   admin   admin   admin   admin   admin   admin   3xx     admin   admin   admin",
    "admin:mfa_authenticator_changelist":                  "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:mfa_authenticator_add":                         "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:mfa_authenticator_history":                     "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:mfa_authenticator_delete":                      "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:mfa_authenticator_change":                      "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin/mfa/authenticator/<path:object_id>/":           "login   admin   admin   admin   admin   admin   admin   3xx     admin   admin   admin",
    "admin:core_outboundmessage_changelist":               "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:core_outboundmessage_add":                      "login   admin   admin   admin   admin   admin   admin   403     admin   admin   admin",
    "admin:core_outboundmessage_history":                  "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin:core_outboundmessage_delete":                   "login   admin   admin   admin   admin   admin   admin   403     admin   admin   admin",
    "admin:core_outboundmessage_change":                   "login   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin/core/outboundmessage/<path:object_id>/":        "login   admin   admin   admin   admin   admin   admin   3xx     admin   admin   admin",
    "admin:app_list":                                      "admin   admin   admin   admin   admin   admin   admin   200     admin   admin   admin",
    "admin/(?P<url>.*)$":                                  "admin   admin   admin   admin   admin   admin   admin   404     admin   admin   admin",
    "account_login":                                       "200     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx",
    "account_logout":                                      "3xx     200     200     200     200     200     200     200     200     200     200",
    "account_inactive":                                    "200     200     200     200     200     200     200     200     200     200     200",
    "account_signup":                                      "200     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx",
    "account_reauthenticate":                              "login   200     200     200     200     200     200     200     200     200     200",
    "account_request_reauthentication_code":               "login   200     200     200     200     200     200     200     200     200     200",
    "account_confirm_reauthentication_code":               "login   3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx",
    "account_email":                                       "login   200     200     200     200     200     200     200     200     200     200",
    "account_email_verification_sent":                     "200     200     200     200     200     200     200     200     200     200     200",
    "account_change_password":                             "login   200     200     200     200     200     200     200     200     200     200",
    "account_set_password":                                "login   3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx",
    "account_reset_password":                              "200     200     200     200     200     200     200     200     200     200     200",
    "account_confirm_login_code":                          "login   3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx",
    "account_confirm_email":                               "200     200     200     200     200     200     200     200     200     200     200",
    "account_reset_password_from_key_done":                "200     200     200     200     200     200     200     200     200     200     200",
    "account_reset_password_from_key":                     "200     200     200     200     200     200     200     200     200     200     200",
    "account_reset_password_done":                         "200     200     200     200     200     200     200     200     200     200     200",
    "mfa_index":                                           "login   200     200     200     200     200     200     200     200     200     200",
    "mfa_authenticate":                                    "login   3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx",
    "mfa_reauthenticate":                                  "login   3xx     3xx     3xx     3xx     3xx     200     200     200     3xx     3xx",
    "mfa_activate_totp":                                   "login   3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx",
    "mfa_deactivate_totp":                                 "login   404     404     404     404     404     3xx     3xx     3xx     404     404",
    "mfa_view_recovery_codes":                             "login   404     404     404     404     404     404     404     404     404     404",
    "mfa_generate_recovery_codes":                         "login   3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx",
    "mfa_download_recovery_codes":                         "login   404     404     404     404     404     404     404     404     404     404",
}
# fmt: on


def walk(patterns, prefix="", namespace=None):
    """(route, qualified name, converter names) of every URL pattern, includes resolved."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            # The named groups of the pattern: converters of a path(), groups of a re_path().
            yield prefix + str(entry.pattern), name, tuple(entry.pattern.regex.groupindex)


def portal_patterns() -> list[tuple[str, str | None, tuple[str, ...]]]:
    return [p for p in walk(get_resolver().url_patterns) if not p[0].startswith(tuple(EXCLUDED))]


def _value(world, spec):
    if isinstance(spec, Lit):
        return spec.value
    name, _, attr = spec.partition(".")
    obj = getattr(world, name)
    return getattr(obj, attr) if attr else obj.pk


def url_for(world, name: str, converters: tuple[str, ...]) -> str:
    spec = ARGS.get(name, {})
    missing = set(converters) - set(spec)
    assert not missing, f"{name} : pas de valeur pour {sorted(missing)} dans ARGS"
    return reverse(name, kwargs={key: _value(world, spec[key]) for key in converters})


def _matches(expected: str, response) -> bool:
    code = response.status_code
    if expected == "login":
        login = reverse(settings.LOGIN_URL)
        return code == 302 and response["Location"].startswith(login)
    if expected == "admin":
        return code == 302 and response["Location"].startswith(reverse("admin:login"))
    if expected in ("2xx", "3xx", "2xx/3xx"):
        return f"{code // 100}xx" in expected
    return code == int(expected)


def _describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


def test_every_url_has_an_access_rule():
    names = []
    for route, name, _ in portal_patterns():
        assert name, f"l'URL « {route} » n'a pas de nom : nommez-la puis ajoutez-la à EXPECT"
        names.append(name)
    missing = sorted(set(names) - set(EXPECT))
    assert not missing, (
        "Pages sans règle d'accès dans tests/security/test_permission_matrix.py (EXPECT) : "
        + ", ".join(missing)
    )
    stale = sorted(set(EXPECT) - set(names))
    assert not stale, f"Règles pour des URL qui n'existent plus : {', '.join(stale)}"
    for name, row in EXPECT.items():
        assert len(row.split()) == len(PERSONAS), f"{name} : {len(PERSONAS)} codes attendus"


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, persona):
    world = build_world()
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    column = PERSONAS.index(persona)
    failures = []
    for _, name, converters in portal_patterns():
        if name not in EXPECT:
            continue  # reported by test_every_url_has_an_access_rule
        url = url_for(world, name, converters)
        expected = EXPECT[name].split()[column]
        try:
            response = client.get(url)
        except Exception as exc:  # noqa: BLE001 - reported with the URL, like a 500
            failures.append(f"{name} ({url}) : attendu {expected}, exception {exc!r}")
            continue
        if not _matches(expected, response):
            failures.append(f"{name} ({url}) : attendu {expected}, obtenu {_describe(response)}")
    assert not failures, f"{persona} :\n" + "\n".join(failures)


def test_every_framework_url_has_an_access_rule():
    keys = [key for _, key, _ in framework_patterns(walk)]
    missing = sorted(set(keys) - set(FRAMEWORK_EXPECT))
    assert not missing, "Pages sans règle d'accès (FRAMEWORK_EXPECT) : " + ", ".join(missing)
    stale = sorted(set(FRAMEWORK_EXPECT) - set(keys))
    assert not stale, f"Règles pour des URL qui n'existent plus : {', '.join(stale)}"
    for key, row in FRAMEWORK_EXPECT.items():
        assert len(row.split()) == len(PERSONAS), f"{key} : {len(PERSONAS)} codes attendus"


@pytest.mark.parametrize("persona", PERSONAS)
def test_framework_matrix(client, persona):
    world = build_world()
    objects = framework_objects(world)
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    column = PERSONAS.index(persona)
    failures = []
    for route, key, groups in framework_patterns(walk):
        if key not in FRAMEWORK_EXPECT:
            continue  # reported by test_every_framework_url_has_an_access_rule
        url = framework_url(route, key, groups, objects)
        expected = FRAMEWORK_EXPECT[key].split()[column]
        response = client.get(url)
        if not _matches(expected, response):
            failures.append(f"{key} ({url}) : attendu {expected}, obtenu {_describe(response)}")
    assert not failures, f"{persona} :\n" + "\n".join(failures)
