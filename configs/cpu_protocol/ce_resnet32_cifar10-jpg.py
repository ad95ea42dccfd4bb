# CPU protocol v2, ceiling arm: CE on the full balanced CIFAR-10 training set
# (50,000 images), same schedule and test set; the test set still reports
# its groups over the long-tailed split's classes. About 4x the CE arm's
# iterations: an upper reference, not a like-for-like arm.
_base_ = ['./ce_resnet32_cifar10lt-jpg.py']
train_dataloader = dict(dataset=dict(imbalance_factor=None))
