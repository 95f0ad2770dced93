"""URLs of the referrals app: one namespace, the features' patterns side by side."""

from referrals.consultation import urls as consultation
from referrals.mailbox import urls as mailbox

app_name = "referrals"

urlpatterns = [*consultation.urlpatterns, *mailbox.urlpatterns]
