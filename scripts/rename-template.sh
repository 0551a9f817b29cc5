#!/usr/bin/env bash
# Makes this template your project in one step: a new Maven groupId and Java package root, everywhere they are
# written (poms, sources of every module, the coverage agent's includes), moving the source folders with git mv.
# Usage: scripts/rename-template.sh GROUP_ID PACKAGE_ROOT     e.g. scripts/rename-template.sh com.acme com.acme.chat
# Then: ./build.sh && ./test.sh, and commit. Run it on a clean work tree (it refuses otherwise).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

old_group=org.example
old_root=org.example.echo
if [ $# -ne 2 ]; then echo "usage: $0 GROUP_ID PACKAGE_ROOT (e.g. com.acme com.acme.chat)" >&2; exit 2; fi
group=$1 root=$2
java_name='^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$'
[[ $group =~ $java_name ]] || { echo "rename-template: GROUP_ID '$group' is not a dotted lower-case name" >&2; exit 2; }
[[ $root =~ $java_name ]] || { echo "rename-template: PACKAGE_ROOT '$root' is not a dotted lower-case name" >&2; exit 2; }
case "$root." in "$old_root".*) echo "rename-template: PACKAGE_ROOT must not lie inside $old_root" >&2; exit 2;; esac
[ -z "$(git status --porcelain)" ] || { echo "rename-template: commit or stash your changes first" >&2; exit 2; }

echo "rename-template: groupId $old_group -> $group, packages $old_root -> $root"
old_dir=${old_root//.//} new_dir=${root//.//}
for java in $(git ls-files -- '*src/*/java/*' | sed -n "s|^\(.*src/[a-z]*/java\)/$old_dir/.*|\1|p" | sort -u); do
  echo "rename-template: moving $java/$old_dir -> $java/$new_dir"
  mkdir -p "$(dirname "$java/$new_dir")"
  git mv "$java/$old_dir" "$java/$new_dir.tmp-rename"
  git mv "$java/$new_dir.tmp-rename" "$java/$new_dir"
done

quoted_root=${old_root//./\\.}
# Sources, poms and the compose files name the package root; the poms name the group in their coordinates.
git ls-files -- '*.java' '*.xml' '*.yml' '*.sh' '*.md' | grep -v '^scripts/rename-template.sh$' \
  | xargs sed -i -E "s/\b$quoted_root\b/$root/g"
git ls-files -- 'pom.xml' '*/pom.xml' \
  | xargs sed -i -E "s|<groupId>${old_group//./\\.}</groupId>|<groupId>$group</groupId>|"
echo "rename-template: done; now ./build.sh && ./test.sh, then commit"
