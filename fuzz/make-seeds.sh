#!/usr/bin/env bash
# Writes fuzz/seeds/<target>/: the starting corpus of each fuzz target, from the test
# fixtures already in the repository (each under 20 KB) plus a few hand-written inputs for
# the customer readers and the query. Run from anywhere; it rewrites the seeds folder whole.
set -euo pipefail
cd "$(dirname "$0")/.."
src=crates/sources/tests/fixtures
screen=crates/screen/tests/fixtures
seeds=${SEEDS_DIR:-fuzz/seeds}
rm -rf "$seeds"

# seed TARGET FILE...: copies each file into the target's seeds.
seed() {
    local target=$1
    shift
    mkdir -p "$seeds/$target"
    for file in "$@"; do
        if [ "$(wc -c <"$file")" -gt 20480 ]; then
            echo "make-seeds: $file is over 20 KB; pick a smaller fixture" >&2
            exit 1
        fi
        cp "$file" "$seeds/$target/"
    done
}

# write TARGET NAME: writes standard input as one seed.
write() {
    mkdir -p "$seeds/$1"
    cat >"$seeds/$1/$2"
}

seed ofac_csv "$src"/ofac_csv/{main,bad_rows,ctrl_z,latin1,nulls,overflow_main,programs}.csv
seed ofac_legacy_xml "$src"/ofac_xml/legacy_sdn.xml
seed ofac_advanced_xml "$src"/ofac_xml/advanced_sdn.xml
seed ofac_enhanced_xml "$src"/ofac_xml/enhanced_sdn.xml
seed us_csl_csv "$src"/us_csl/{basic,bad_rows,bom,multiline}.csv
seed us_csl_json "$src"/us_csl/{sample,malformed}.json
seed uk_ofsi_csv "$src"/uk/conlist{,_bad_rows,_truncated}.csv
seed uk_ofsi_xlsx "$src"/uk/conlist{,_truncated}.xlsx
seed uk_ofsi_xml "$src"/uk/conlist{,_bad_row,_truncated}.xml
seed uk_fcdo_csv "$src"/uk/fcdo{,_bad_rows,_truncated}.csv
seed uk_fcdo_xml "$src"/uk/fcdo{,_bad_row,_truncated}.xml
seed un_sc "$src"/un_sc/{consolidated_small,bad_records,truncated}.xml
seed eu_fsf_xml "$src"/eu_fsf/fsf_{small,quirks}.xml
seed eu_fsf_csv "$src"/eu_fsf/fsf_small.csv
seed ca_sema "$src"/ca_sema/{sema_2020,sema_2025,bad_record}.xml
seed ch_seco "$src"/ch_seco/{whole_list_small,bad_targets}.xml
seed jp_mof "$src"/jp_mof/mof_{sample,bad_row}.xlsx
seed jp_meti_text "$src"/jp_meti/meti_{sample,synthetic,bad_entry}.txt
seed jp_meti_pdf "$src"/jp_meti/meti_synthetic.pdf
seed ftm "$src"/ftm/{opensanctions_putin,malformed}.ftm.json
seed xlsx "$src"/uk/conlist.xlsx "$src"/jp_mof/mof_sample.xlsx "$screen"/customers.xlsx
seed customer_csv "$screen"/customers.csv
seed customer_jsonl "$screen"/customers.jsonl
seed customer_xlsx "$screen"/customers.xlsx

# The quote that swallows the rows after it (issue #13), and a CRLF file.
write customer_csv open_quote.csv <<'CSV'
id,name,notes
1,Vladimir Putin,"customer since 2001
2,Sergei Lavrov,vip
3,Igor Sechin,x"
CSV
printf 'id,first_name,last_name,dob,country\r\n7,Igor,Sechin,1960-09-07,RU\r\n8,,,,\r\n' \
    | write customer_csv crlf.csv
write customer_jsonl mixed.jsonl <<'JSONL'
{"id": "1", "name": "Vladimir Putin", "birth_date": "1952-10-07", "country": "ru"}
{"id": "2", "names": ["Sergei Lavrov", "Сергей Лавров"], "kind": "person"}
not json
{"id": "3", "name": ""}
JSONL

write query person <<'Q'
name=Vladimir Vladimirovich Putin
name=Владимир Путин
birth_date=1952-10-07
country=ru
gender=male
kind=person
Q
write query vessel <<'Q'
name=M/V Ever Given
id=imo:IMO 9811000
kind=vessel
country=pa
Q
write query organization <<'Q'
name=Bank Rossiya OAO
name=A.B.C.
id=swift_bic:ROSYRU2P
country=Russian Federation
birth_date=1990
Q
write query initials_only <<'Q'
name=a
name=J. R.
Q
printf 'name=Muammar al-\xd9\x82\xd8\xb0\xd8\xa7\xd9\x81\xd9\x8a\xe2\x80\xae Qadhafi\nbirth_date=1942-06\nid=passport:B/0012\n' \
    | write query bidi_arabic

# detect: the first byte picks the file name (crates/fuzzing/src/detect.rs, FILE_NAMES),
# the rest is the file; compressed seeds are made here from the fixtures.
# detect_seed PICK NAME: writes standard input, behind the byte PICK, as seed NAME.
detect_seed() {
    mkdir -p "$seeds/detect"
    { printf "\\x$(printf '%02x' "$1")"; cat; } >"$seeds/detect/$2"
}
detect_seed 0 sdn.csv <"$src"/ofac_csv/main.csv
detect_seed 2 advanced.xml <"$src"/ofac_xml/advanced_sdn.xml
detect_seed 3 un.xml <"$src"/un_sc/consolidated_small.xml
detect_seed 4 conlist.xlsx <"$src"/uk/conlist.xlsx
gzip -9nc "$src"/eu_fsf/fsf_small.xml | detect_seed 5 fsf.xml.gz
gzip -9nc "$src"/uk/fcdo.csv | detect_seed 10 fcdo.csv.gz
detect_seed 7 csl.json <"$src"/us_csl/sample.json
detect_seed 8 meti.pdf <"$src"/jp_meti/meti_synthetic.pdf
detect_seed 9 sema.xml <"$src"/ca_sema/sema_2025.xml
# A zip holding one list file, as OFAC ships SDN_ENHANCED.ZIP.
python3 - "$src"/ofac_xml/enhanced_sdn.xml <<'PY' | detect_seed 1 enhanced.zip
import io, sys, zipfile
out = io.BytesIO()
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo("SDN_ENHANCED.XML", date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, open(sys.argv[1], "rb").read())
sys.stdout.buffer.write(out.getvalue())
PY

# Payment messages: the hand-written fixtures of sanctum-payments.
payments=crates/payments/tests/messages
seed payment_mt "$payments"/*.txt
seed payment_mx "$payments"/*.xml
