# The main job of diffult-plugin: DiffuLT on CIFAR-100-LT IF100, ResNet-32.
#
# NOTE: the DiffuLT stages (generator, synthesis, filter, weighted loss) are
# not implemented yet (see the Pipeline issue). Until they land this config
# trains phi0, the plain-CE ResNet-32 that DiffuLT starts from, with the BBN
# recipe; it is the same run as baselines/ce_resnet32_cifar100lt.py.
_base_ = ['./baselines/ce_resnet32_cifar100lt.py']
