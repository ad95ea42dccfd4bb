# mdcs_resnet32_cifar100lt.py on CIFAR-10-LT IF100.
_base_ = ['./mdcs_resnet32_cifar100lt.py']
model = dict(head=dict(num_classes=10))
data_preprocessor = dict(num_classes=10)
train_dataloader = dict(dataset=dict(type='CIFAR10LT'))
val_dataloader = dict(dataset=dict(type='CIFAR10LT'))
test_dataloader = val_dataloader
