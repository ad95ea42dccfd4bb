# The ceiling arm of the CPU protocol: CE ResNet-32 on the *full balanced*
# CIFAR-10 training set (50,000 JPEGs, 5,000 per class), same 20-epoch
# schedule, seed and test set as ce_resnet32_cifar10lt-jpg_cpu-20e.py. The
# test set still reports Many / Medium / Few over the long-tailed split's
# classes, so the groups match the other arms. About 4x the CE arm's time.
#
#   export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
#   python benchmarks/train_protocol.py configs/baselines/ce_resnet32_cifar10-jpg_cpu-20e.py --seeds 0
_base_ = ['./ce_resnet32_cifar10lt-jpg_cpu-20e.py']
train_dataloader = dict(dataset=dict(imbalance_factor=None))
