-- Which transport took each sent email: only 'smtp' means a mail server accepted it; 'preview'
-- means it was written to a workstation's preview outbox and reached nobody.
ALTER TABLE emails ADD COLUMN delivered_via TEXT CHECK (delivered_via IN ('smtp', 'preview'));
