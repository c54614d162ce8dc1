-- Who holds each email while it is sending: the workstation, and which run of the app on it. A
-- restarted workstation takes back the claims of its dead run at once instead of waiting out
-- their lease; other workstations' claims still wait, since those may be alive.
ALTER TABLE emails ADD COLUMN claimed_by TEXT;
ALTER TABLE emails ADD COLUMN claim_run TEXT;
