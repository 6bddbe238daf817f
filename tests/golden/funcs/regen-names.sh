#!/usr/bin/env bash
# Record which function names the reference helm (v3.17) defines: names.txt,
# one a line, sorted. Candidates: Sprig v3's function map, Helm's own, and
# names that exist elsewhere but not in Helm (env, expandenv, ...). A name is
# defined when `{{ if false }}{{ NAME }}{{ end }}` parses.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
candidates="hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound htmlDate
htmlDateInZone must_date_modify mustDateModify mustToDate now toDate unixEpoch abbrev abbrevboth trunc trim
upper lower title untitle substr repeat trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum
randAlpha randAscii randNumeric randSeededNumeric swapcase shuffle snakecase camelcase kebabcase wrap wrapWith
contains hasPrefix hasSuffix quote squote cat indent nindent replace plural sha1sum sha256sum sha512sum
adler32sum toString atoi int64 int float64 seq toDecimal split splitList splitn toStrings until untilStep add1
add sub div mod mul randInt add1f addf subf divf mulf biggest max min maxf minf ceil floor round join sortAlpha
default empty coalesce all any compact mustCompact fromJson toJson toPrettyJson toRawJson mustFromJson
mustToJson mustToPrettyJson mustToRawJson ternary deepCopy mustDeepCopy typeOf typeIs typeIsLike kindOf kindIs
deepEqual env expandenv getHostByName base dir clean ext isAbs osBase osClean osDir osExt osIsAbs b64enc b64dec
b32enc b32dec tuple list dict get set unset hasKey pluck keys pick omit merge mergeOverwrite mustMerge
mustMergeOverwrite values append push mustAppend mustPush prepend mustPrepend first mustFirst rest mustRest last
mustLast initial mustInitial reverse mustReverse uniq mustUniq without mustWithout has mustHas slice mustSlice
concat dig chunk mustChunk bcrypt htpasswd genPrivateKey derivePassword buildCustomCert genCA genCAWithKey
genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey encryptAES decryptAES randBytes
uuidv4 semver semverCompare fail regexMatch mustRegexMatch regexFindAll mustRegexFindAll regexFind mustRegexFind
regexReplaceAll mustRegexReplaceAll regexReplaceAllLiteral mustRegexReplaceAllLiteral regexSplit mustRegexSplit
regexQuoteMeta urlParse urlJoin include tpl required lookup toYaml toYamlPretty mustToYaml fromYaml
fromYamlArray mustFromYaml fromJsonArray mustFromJsonArray toToml fromToml mustToToml mustFromToml"
mkdir -p "$work/c/templates"
printf 'apiVersion: v2\nname: c\nversion: 0.1.0\n' > "$work/c/Chart.yaml"
for n in $candidates; do
    printf '{{ if false }}{{ %s }}{{ end }}\n' "$n" > "$work/c/templates/x.yaml"
    if "$HELM" template t "$work/c" > /dev/null 2> "$work/err"; then
        echo "$n"
    elif ! grep -q "function \"$n\" not defined" "$work/err"; then
        echo "regen-names: $n: unexpected: $(head -n1 "$work/err")" >&2
        exit 1
    fi
done | LC_ALL=C sort > "$here/names.txt"
echo "regen-names: $(wc -l < "$here/names.txt") functions" >&2
