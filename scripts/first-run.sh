#!/bin/sh
# From an empty database to the first activity: README's "Deploying on PostgreSQL with gunicorn", as a script.
# tests/test_deployment.py runs exactly this file against an empty SQLite and an empty PostgreSQL database.
#
# Settings come from the environment (or the instance folder's config.py), as for the server:
#   OUTREACH_DATABASE_URL, OUTREACH_SECRET_KEY, OUTREACH_INSTANCE_PATH   the deployment's own settings
#   FLASK            the flask command of the install (default: flask)
#   ADMIN            the first administrator's username (default: kepala)
#   ADMIN_PASSWORD   their password (asked for when unset)
#   OUTREACH_URL     where the server answers (e.g. https://outreach.polres.example); when set, a programme
#                    and a first bakti sosial are recorded through the API to prove the whole chain works
#   UNIT             the unit that records it (default: POLRES-BLORA)
set -eu
FLASK=${FLASK:-flask}
ADMIN=${ADMIN:-kepala}
UNIT=${UNIT:-POLRES-BLORA}

# 1. The schema and the standard catalogues (activity, place and item kinds, kamtibmas messages).
$FLASK --app outreach db upgrade
# 2. The Polri tree: Mabes Polri, 34 Polda, 508 Polres (docs/POLRI-UNITS.md). Polsek: units import.
$FLASK --app outreach units load-polri
# 3. The first administrator, attached to the root unit (Mabes Polri).
if [ -n "${ADMIN_PASSWORD:-}" ]; then
    $FLASK --app outreach users create "$ADMIN" --role admin --password "$ADMIN_PASSWORD"
else
    $FLASK --app outreach users create "$ADMIN" --role admin
fi
# 4. An API token for the administrator (printed once; keep it somewhere safe).
TOKEN=$($FLASK --app outreach tokens create "$ADMIN" --name first-run)
echo "API token of $ADMIN: $TOKEN"

[ -n "${OUTREACH_URL:-}" ] || exit 0

# 5. A programme and the first activity through the API.
RESPONSE=$(mktemp)
trap 'rm -f "$RESPONSE"' EXIT
api() {  # POST stdin to /api/v1/$1 and print the new record's id; on an error show the answer and stop
    if ! curl -sS --fail-with-body -o "$RESPONSE" -X POST "$OUTREACH_URL/api/v1/$1" \
        -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d @-; then
        cat "$RESPONSE" >&2
        exit 1
    fi
    jq -r .id "$RESPONSE"
}
TODAY=$(date +%F)
YEAR=$(date +%Y)
PROGRAMME_ID=$(api programmes <<JSON
{"name": "Bakti Sosial Polri $YEAR", "kind": "other", "start_date": "$YEAR-01-01", "end_date": "$YEAR-12-31",
 "targets": {"activities": 40, "parcels": 500}}
JSON
)
echo "Programme $PROGRAMME_ID created."
ACTIVITY_ID=$(api activities <<JSON
{"programme_id": $PROGRAMME_ID, "unit_code": "$UNIT", "kind": "bakti_sosial", "date": "$TODAY",
 "title": "Bakti sosial di pondok pesantren", "start_time": "08:30", "end_time": "11:00",
 "leader": {"rank": "AKP", "name": "Lilik Widiastuti", "position": "Kasat Binmas"},
 "visits": [
   {"location": {"name": "Ponpes Al Alif", "kind": "pondok_pesantren", "village": "Tunjungan",
                 "regency": "Kabupaten Blora", "province": "Jawa Tengah"},
    "parcels": 10, "beneficiaries": 40, "beneficiary_group": "santri",
    "items": [{"name": "Beras", "quantity": 50, "kind": "beras", "measure": "kg"}]}
 ],
 "messages": ["Jaga persatuan dan kesatuan", "Jangan mudah percaya hoaks / berita bohong"]}
JSON
)
echo "Activity $ACTIVITY_ID recorded (draft): $OUTREACH_URL/activities/$ACTIVITY_ID"
